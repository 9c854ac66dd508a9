import Testing

@testable import MySQLSource

@Suite struct IdentifiersFromTheConfigurationAreValidatedAndQuoted {
    @Test func ordinaryNamesAreBacktickQuoted() throws {
        #expect(try Identifier.quote("orders", context: "table") == "`orders`")
        #expect(try Identifier.quote("Größe", context: "column") == "`Größe`")
        #expect(try Identifier.quote("select", context: "column") == "`select`")
        #expect(try Identifier.quote("with space", context: "column") == "`with space`")
    }

    @Test(arguments: [
        ("", "empty"), ("a`b", "backtick"), ("a\u{0}b", "NUL"), ("trailing ", "ends with a space"),
        ("emoji😀", "Basic Multilingual Plane"), (String(repeating: "x", count: 65), "longer than 64"),
    ])
    func unusableNamesAreRejectedNamingTheConfigurationKey(_ name: String, _ reason: String) {
        let context = #"dataset "orders" key "table""#
        let error = #expect(throws: MySQLError.self) { try Identifier.validate(name, context: context) }
        #expect(error?.code == .invalidIdentifier)
        #expect(error?.message.contains(context) == true)
        #expect(error?.message.contains(reason) == true)
    }

    @Test func sixtyFourCharactersAreAllowed() throws {
        try Identifier.validate(String(repeating: "é", count: 64), context: "column")
    }

    @Test func tableNamesParseWithAnOptionalSchema() throws {
        #expect(try TableName(parsing: "orders", context: "t").quoted == "`orders`")
        let qualified = try TableName(parsing: "otherdb.orders", context: "t")
        #expect(qualified.schema == "otherdb" && qualified.name == "orders")
        #expect(qualified.quoted == "`otherdb`.`orders`")
        #expect(throws: MySQLError.self) { try TableName(parsing: "a.b.c", context: "t") }
        #expect(throws: MySQLError.self) { try TableName(parsing: ".orders", context: "t") }
        #expect(throws: MySQLError.self) { try TableName(parsing: "shop.or`ders", context: "t") }
    }

    @Test func namesReadFromTheServerAreQuotedWithBackticksDoubled() {
        #expect(Identifier.quoteUnchecked("we`ird") == "`we``ird`")
    }
}
