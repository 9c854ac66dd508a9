import Foundation
import Publishing
import TestSupport
import Testing

/// DuckDB as the reference for rollups: it runs the same GROUP BY over the published base
/// files that the rollup claims to hold, reads the rollup's own files, and compares them row
/// for row (integers and decimals exactly, doubles to 1e-9 relative). It also checks the rollup's
/// rows are stored in its documented order (bucket, then group columns, NULLs first).
enum RollupOracle {
    struct Comparison: Decodable {
        var ok: Bool
        var expectedRows: Int
        var actualRows: Int
        var sortedAsPublished: Bool
        var mismatches: [String]
        var types: [String: String]

        enum CodingKeys: String, CodingKey {
            case ok, mismatches, types
            case expectedRows = "expected_rows"
            case actualRows = "actual_rows"
            case sortedAsPublished = "sorted_as_published"
        }
    }

    static let script = #"""
        import decimal, duckdb, json, math, sys
        request = json.load(sys.stdin)
        con = duckdb.connect()
        con.execute("SET TimeZone = 'UTC'")
        def files(paths):
            return "[" + ", ".join("'" + p.replace("'", "''") + "'" for p in paths) + "]"
        con.execute("CREATE VIEW base AS SELECT * FROM read_parquet(%s)" % files(request["base"]))
        keys = request["keys"]
        order = ", ".join('"%s" NULLS FIRST' % k for k in keys)
        expected = con.execute("SELECT * FROM (%s) ORDER BY %s" % (request["sql"], order)).fetchall()
        rollup = "read_parquet(%s)" % files(request["rollup"])
        names = [r[0] for r in con.execute("DESCRIBE SELECT * FROM " + rollup).fetchall()]
        types = {r[0]: r[1] for r in con.execute("DESCRIBE SELECT * FROM " + rollup).fetchall()}
        published = con.execute("SELECT * FROM " + rollup).fetchall()
        actual = con.execute("SELECT * FROM %s ORDER BY %s" % (rollup, order)).fetchall()
        def same(a, b):
            if a is None or b is None:
                return a is None and b is None
            if isinstance(a, float) or isinstance(b, float):
                return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)
            if isinstance(a, decimal.Decimal) or isinstance(b, decimal.Decimal):
                return decimal.Decimal(a) == decimal.Decimal(b)
            return a == b
        mismatches = []
        if len(expected) != len(actual):
            mismatches.append("%d rows expected, %d published" % (len(expected), len(actual)))
        for e, a in zip(expected, actual):
            if len(e) != len(a) or not all(same(x, y) for x, y in zip(e, a)):
                mismatches.append("expected %r, published %r" % (e, a))
                if len(mismatches) > 5:
                    break
        print(json.dumps({"ok": not mismatches, "expected_rows": len(expected), "actual_rows": len(actual),
                          "sorted_as_published": published == actual, "mismatches": mismatches, "types": types},
                         default=str))
        """#

    /// Compares the rollup's current version with `sql` over its base's current files; `sql`
    /// reads the view `base` and returns the rollup's columns in order; `keys` are the bucket
    /// and group columns.
    static func compare(
        publicDirectory: String,
        rollup: String,
        base: String,
        sql: String,
        keys: [String]
    ) throws -> Comparison {
        func files(_ dataset: String) throws -> [String] {
            let folder = publicDirectory + "/" + dataset + "/current"
            let index = try DatasetIndex.decode(
                Array(try Data(contentsOf: URL(fileURLWithPath: folder + "/index.json")))
            )
            return index.files.map { folder + "/" + $0.path }
        }
        let request: [String: Any] = [
            "base": try files(base), "rollup": try files(rollup), "sql": sql, "keys": keys,
        ]
        let python = try PythonParquetReader.fromEnvironment().python
        let result = try runProcess(
            python,
            ["-c", script],
            input: try JSONSerialization.data(withJSONObject: request)
        )
        guard result.succeeded else {
            throw TestEnvironmentError(
                code: .pythonNotFound,
                message: "the DuckDB rollup oracle failed: \(result.errorOutput)"
            )
        }
        return try JSONDecoder().decode(Comparison.self, from: result.standardOutput)
    }

    /// Expects the rollup to match DuckDB's GROUP BY and to be stored in order.
    static func expectMatch(
        publicDirectory: String,
        rollup: String,
        base: String,
        sql: String,
        keys: [String],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let comparison = try compare(publicDirectory: publicDirectory, rollup: rollup, base: base, sql: sql, keys: keys)
        #expect(comparison.ok, "\(rollup): \(comparison.mismatches)", sourceLocation: sourceLocation)
        #expect(
            comparison.expectedRows > 0,
            "\(rollup): the reference query found no rows",
            sourceLocation: sourceLocation
        )
        #expect(comparison.sortedAsPublished, "\(rollup): rows are not stored in order", sourceLocation: sourceLocation)
    }
}
