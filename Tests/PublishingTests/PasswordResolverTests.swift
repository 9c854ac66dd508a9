import Foundation
import Testing

@testable import Publishing

@Suite struct PasswordResolverFollowsTheDocumentedOrder {
    func source(passwordFile: String? = nil, optionFile: String? = nil) -> SourceConfiguration {
        SourceConfiguration(user: "reader", passwordFile: passwordFile, optionFile: optionFile, database: "shop")
    }

    @Test func passwordFileComesFirstAndLosesOneTrailingNewline() throws {
        let folder = ScratchDirectory()
        let file = folder.write("pw", "s3cret\n\n")
        folder.write("creds/mysql-password", "from-systemd")
        folder.write("home/.my.cnf", "[client]\npassword=from-option-file\n")
        let resolver = PasswordResolver(environment: [
            "CREDENTIALS_DIRECTORY": folder.file("creds"), "HOME": folder.file("home"),
        ])
        let resolution = try resolver.resolve(for: source(passwordFile: file))
        #expect(resolution.password == SourcePassword(value: "s3cret\n", origin: .passwordFile(file)))
        #expect(resolution.warnings.isEmpty)
    }

    @Test func aCRLFLineEndingIsStripped() throws {
        let folder = ScratchDirectory()
        let file = folder.write("pw", "s3cret\r\n")
        let resolution = try PasswordResolver(environment: [:]).resolve(for: source(passwordFile: file))
        #expect(resolution.password?.value == "s3cret")
    }

    @Test func systemdCredentialsComeSecond() throws {
        let folder = ScratchDirectory()
        let credential = folder.write("creds/mysql-password", "from-systemd\n")
        folder.write("home/.my.cnf", "[client]\npassword=from-option-file\n")
        let resolver = PasswordResolver(environment: [
            "CREDENTIALS_DIRECTORY": folder.file("creds"), "HOME": folder.file("home"),
        ])
        let resolution = try resolver.resolve(for: source())
        #expect(resolution.password == SourcePassword(value: "from-systemd", origin: .credential(credential)))
    }

    @Test func aCredentialsDirectoryWithoutOurCredentialFallsThrough() throws {
        let folder = ScratchDirectory()
        folder.write("creds/other", "x")
        let cnf = folder.write("home/.my.cnf", "[client]\npassword=from-option-file\n")
        let resolver = PasswordResolver(environment: [
            "CREDENTIALS_DIRECTORY": folder.file("creds"), "HOME": folder.file("home"),
        ])
        #expect(
            try resolver.resolve(for: source()).password
                == SourcePassword(value: "from-option-file", origin: .optionFile(cnf))
        )
    }

    @Test func theOptionFileSettingReplacesTheHomeOptionFile() throws {
        let folder = ScratchDirectory()
        folder.write("home/.my.cnf", "[client]\npassword=home\n")
        let explicit = folder.write(
            "etc/my.cnf",
            "[mysqld]\npassword=server-side\n[client]\nuser = reader\npassword = \"quoted # not a comment\"\n"
        )
        let resolver = PasswordResolver(environment: ["HOME": folder.file("home")])
        let resolution = try resolver.resolve(for: source(optionFile: explicit))
        #expect(resolution.password == SourcePassword(value: "quoted # not a comment", origin: .optionFile(explicit)))
    }

    @Test func noPasswordAnywhereIsNone() throws {
        let folder = ScratchDirectory()
        folder.write("home/.my.cnf", "[client]\nuser=reader\n")
        #expect(try PasswordResolver(environment: ["HOME": folder.file("home")]).resolve(for: source()).password == nil)
        #expect(
            try PasswordResolver(environment: ["HOME": folder.file("nobody")]).resolve(for: source()).password == nil
        )
        #expect(try PasswordResolver(environment: [:]).resolve(for: source()).password == nil)
    }

    @Test func anUnreadablePasswordFileIsAnErrorNamingTheFileAndErrno() throws {
        let folder = ScratchDirectory()
        let missing = folder.file("absent")
        do {
            _ = try PasswordResolver(environment: [:]).resolve(
                for: source(passwordFile: missing),
                configurationFile: "c.toml"
            )
            Issue.record("resolved")
        } catch let error as ConfigurationError {
            #expect(error.code == .credential)
            #expect(error.key == "source.password_file")
            #expect(
                error.description
                    == "c.toml: key \"source.password_file\": cannot read password file \(missing): No such file or directory (errno 2) (\(error.cause!))"
            )
        }
    }

    @Test func aMissingExplicitOptionFileIsAnError() throws {
        let folder = ScratchDirectory()
        #expect(throws: ConfigurationError.self) {
            try PasswordResolver(environment: [:]).resolve(for: source(optionFile: folder.file("absent.cnf")))
        }
    }

    @Test func aPasswordFileOthersCanReadIsWarnedAbout() throws {
        let folder = ScratchDirectory()
        let file = folder.write("pw", "s3cret", mode: 0o644)
        let resolution = try PasswordResolver(environment: [:]).resolve(for: source(passwordFile: file))
        #expect(resolution.password?.value == "s3cret")
        #expect(
            resolution.warnings == [
                "password file \(file) is readable by group or others (mode 644); run chmod 600 on it"
            ]
        )
        #expect(!resolution.warnings.joined().contains("s3cret"))
    }

    @Test func thePasswordNeverAppearsInDescriptions() throws {
        let password = SourcePassword(value: "hunter2", origin: .passwordFile("/etc/pp/pw"))
        #expect(!password.description.contains("hunter2"))
        #expect(!String(reflecting: password).contains("hunter2"))
        #expect(!"\(password)".contains("hunter2"))
        #expect(password.description == "<password redacted, from password_file /etc/pp/pw>")
    }
}

@Suite struct MySQLOptionFilesAreReadLikeTheClientReadsThem {
    @Test(arguments: [
        ("[client]\npassword=plain\n", "plain"),
        ("[client]\npassword = spaced \n", "spaced"),
        ("[client]\npassword='single quoted'\n", "single quoted"),
        ("[client]\npassword=\"with \\\"escape\\\"\"\n", "with \"escape\""),
        ("[client]\npassword=value # comment\n", "value"),
        ("# comment\n; another\n[CLIENT]\npassword=upper-section\n", "upper-section"),
        ("[client]\npassword=first\npassword=last\n", "last"),
        ("[client]\r\npassword=crlf\r\n", "crlf"),
        ("[client]\npassword=\n", ""),
    ])
    func passwordsInTheClientSection(text: String, expected: String) {
        #expect(MySQLOptionFile.password(in: text) == expected)
    }

    @Test func otherSectionsAreIgnored() {
        #expect(MySQLOptionFile.password(in: "[mysqld]\npassword=x\n[mysql]\npassword=y\n") == nil)
        #expect(MySQLOptionFile.password(in: "password=outside\n[client]\nuser=u\n") == nil)
    }
}
