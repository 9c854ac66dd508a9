import Foundation
import Testing

@testable import Publishing

@Suite struct PasswordResolverFollowsTheDocumentedOrder {
    func source(passwordFile: String? = nil, optionFile: String? = nil) -> SourceConfiguration {
        var source = SourceConfiguration(user: "reader")
        source.passwordFile = passwordFile
        source.optionFile = optionFile
        source.database = "shop"
        return source
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
        #expect(resolution.optionFile == nil, "~/.my.cnf is not read when a password was found")
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

    @Test func aCredentialsDirectoryWithoutOurCredentialFallsThroughToTheHomeOptionFile() throws {
        let folder = ScratchDirectory()
        folder.write("creds/other", "x")
        let cnf = folder.write("home/.my.cnf", "[client]\npassword=from-option-file\n")
        let resolver = PasswordResolver(environment: [
            "CREDENTIALS_DIRECTORY": folder.file("creds"), "HOME": folder.file("home"),
        ])
        let resolution = try resolver.resolve(for: source())
        // Connector/C reads the file (IntegrationTests: "MySQL option files are read by Connector/C").
        #expect(resolution.password == nil)
        #expect(resolution.optionFile == cnf)
    }

    @Test func theOptionFileSettingReplacesTheHomeOptionFile() throws {
        let folder = ScratchDirectory()
        folder.write("home/.my.cnf", "[client]\npassword=home\n")
        let explicit = folder.write("etc/my.cnf", "[client]\npassword = secret\n")
        let resolver = PasswordResolver(environment: ["HOME": folder.file("home")])
        let resolution = try resolver.resolve(for: source(optionFile: explicit))
        #expect(resolution.optionFile == explicit)
        #expect(resolution.password == nil)
    }

    @Test func anOptionFileOthersCanReadIsWarnedAbout() throws {
        let folder = ScratchDirectory()
        let cnf = folder.write("home/.my.cnf", "[client]\npassword=x\n", mode: 0o644)
        let resolution = try PasswordResolver(environment: ["HOME": folder.file("home")]).resolve(for: source())
        #expect(
            resolution.warnings == [
                """
                option file \(cnf) is readable by group or others (mode 644); if it holds the password, run chmod 600 \
                on it
                """
            ]
        )
    }

    @Test func noPasswordAnywhereIsNone() throws {
        let folder = ScratchDirectory()
        for environment in [["HOME": folder.file("nobody")], [:]] {
            let resolution = try PasswordResolver(environment: environment).resolve(for: source())
            #expect(resolution.password == nil)
            #expect(resolution.optionFile == nil)
        }
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
                    == """
                    c.toml: key \"source.password_file\": cannot read password file \(missing): No such file or \
                    directory (errno 2) (\(error.cause!))
                    """
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
