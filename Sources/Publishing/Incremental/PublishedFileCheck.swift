import Foundation

/// Checks the previous version's files before a new version hard-links them: a file damaged on
/// disk would otherwise be carried into every later version (pyarrow read 427,611 of 500,000
/// rows of one, and a file with 4 KB of zeros read without an error, 8,966 rows wrong).
///
/// A file is verified against index.json's `checksum` when its size or modification time
/// differs from what the state recorded when it was written (any write changes them; a hard
/// link does not), and, as a scrub, when it is among the longest unverified: each cycle
/// verifies at least `scrubBytes` of them, so that every file is read about once per
/// `reconcile_every` (`DatasetRefresher` sizes it). A file missing, of the wrong size or whose
/// checksum differs is corrupt; `PartitionRepair` rewrites its partition from the source.
struct PublishedFileCheck {
    let versionDirectory: String
    let index: DatasetIndex
    let stamps: [String: PublishedFileStamp]

    struct Corrupt {
        var file: IndexFile
        var path: String
        var reason: String
    }

    struct Outcome {
        var corrupt: [Corrupt] = []
        /// Stamps of the files found good (verified now, or unchanged since they were stamped).
        var stamps: [String: PublishedFileStamp] = [:]
        var filesVerified = 0
        var bytesVerified: Int64 = 0
    }

    /// - Parameter scrubBytes: how many bytes of files not otherwise due to verify, oldest
    ///   verification first (at least one file when any is left; `Int64.max`: all).
    func run(scrubBytes: Int64, now: Date = Date()) throws -> Outcome {
        var outcome = Outcome()
        var present: [(file: IndexFile, path: String, info: FileInfo)] = []
        var due: [Int] = []
        for file in index.files {
            let path = FileOperations.join(versionDirectory, file.path)
            guard let info = try Syscall.lstat(path), info.kind == .regular else {
                outcome.corrupt.append(Corrupt(file: file, path: path, reason: "the file is missing"))
                continue
            }
            guard info.size == file.bytes else {
                outcome.corrupt.append(
                    Corrupt(file: file, path: path, reason: "it has \(info.size) bytes, index.json says \(file.bytes)")
                )
                continue
            }
            let stamp = stamps[file.path]
            if stamp?.size != info.size || stamp?.modifiedNanoseconds != info.modifiedNanoseconds {
                due.append(present.count)
            } else {
                outcome.stamps[file.path] = stamp
            }
            present.append((file, path, info))
        }
        // The scrub: the files verified longest ago, until the budget is spent.
        let dueSet = Set(due)
        let others = present.indices.filter { !dueSet.contains($0) }.sorted {
            (stamps[present[$0].file.path]?.verifiedAt ?? .distantPast)
                < (stamps[present[$1].file.path]?.verifiedAt ?? .distantPast)
        }
        var budget = scrubBytes
        var scrub: [Int] = []
        for i in others where budget > 0 {
            scrub.append(i)
            budget -= max(1, present[i].info.size)
        }
        for i in due + scrub {
            let (file, path, info) = present[i]
            let stamp = PublishedFileStamp(
                size: info.size,
                modifiedNanoseconds: info.modifiedNanoseconds,
                verifiedAt: now
            )
            // An index written before checksums existed has nothing to verify against.
            guard let expected = file.checksum else {
                outcome.stamps[file.path] = stamp
                continue
            }
            let actual = try FileChecksum.of(file: path)
            outcome.filesVerified += 1
            outcome.bytesVerified += info.size
            if actual == expected {
                outcome.stamps[file.path] = stamp
            } else {
                outcome.stamps[file.path] = nil
                outcome.corrupt.append(
                    Corrupt(
                        file: file,
                        path: path,
                        reason: "its checksum is \(actual), index.json says \(expected)"
                    )
                )
            }
        }
        return outcome
    }
}
