import Parquet
import Testing

@testable import MySQLSource

@Suite struct EveryMySQLTypeMapsToAParquetColumn {
    private func map(
        _ dataType: String,
        _ columnType: String,
        nullable: Bool = false,
        precision: Int? = nil,
        scale: Int? = nil,
        json: Bool = false
    ) throws -> ColumnDescriptor {
        try TypeMapping.map(
            .init(
                name: "c",
                dataType: dataType,
                columnType: columnType,
                isNullable: nullable,
                numericPrecision: precision,
                numericScale: scale,
                isJSON: json
            ),
            table: "`db`.`t`"
        ).parquet
    }

    @Test(arguments: [
        ("tinyint", "tinyint(4)", PhysicalType.int32, LogicalType.integer(bitWidth: 8, signed: true)),
        ("tinyint", "tinyint(3) unsigned", .int32, .integer(bitWidth: 8, signed: false)),
        ("smallint", "smallint(6)", .int32, .integer(bitWidth: 16, signed: true)),
        ("smallint", "smallint unsigned", .int32, .integer(bitWidth: 16, signed: false)),
        ("mediumint", "mediumint(9)", .int32, .integer(bitWidth: 32, signed: true)),
        ("mediumint", "mediumint unsigned", .int32, .integer(bitWidth: 32, signed: false)),
        ("int", "int(11)", .int32, .integer(bitWidth: 32, signed: true)),
        ("int", "int(10) unsigned", .int32, .integer(bitWidth: 32, signed: false)),
        ("bigint", "bigint(20)", .int64, .integer(bitWidth: 64, signed: true)),
        ("bigint", "bigint(20) unsigned", .int64, .integer(bitWidth: 64, signed: false)),
        ("year", "year(4)", .int32, .integer(bitWidth: 16, signed: false)),
        ("bit", "bit(5)", .int64, .integer(bitWidth: 64, signed: false)),
        ("time", "time(3)", .int64, .integer(bitWidth: 64, signed: true)),
        ("varchar", "varchar(255)", .byteArray, .string),
        ("char", "char(2)", .byteArray, .string),
        ("longtext", "longtext", .byteArray, .string),
        ("set", "set('a','b')", .byteArray, .string),
        ("enum", "enum('new','paid')", .byteArray, .string),
        ("json", "json", .byteArray, .json),
        ("uuid", "uuid", .byteArray, .string),
    ])
    func integersTextsAndTimesMapToTheirAnnotation(
        _ dataType: String,
        _ columnType: String,
        _ physical: PhysicalType,
        _ logical: LogicalType
    ) throws {
        let column = try map(dataType, columnType)
        #expect(column.physicalType == physical)
        #expect(column.logicalType == logical)
        #expect(column.repetition == .required)
    }

    @Test func floatsAndBytesCarryNoAnnotation() throws {
        #expect(try map("float", "float").physicalType == .float)
        #expect(try map("double", "double").physicalType == .double)
        for type in ["binary", "varbinary", "tinyblob", "blob", "mediumblob", "longblob"] {
            let column = try map(type, type)
            #expect(column.physicalType == .byteArray && column.logicalType == nil)
        }
    }

    @Test func decimalsUseTheNarrowestPhysicalType() throws {
        let small = try map("decimal", "decimal(9,2)", precision: 9, scale: 2)
        #expect(small.physicalType == .int32 && small.logicalType == .decimal(precision: 9, scale: 2))
        #expect(try map("decimal", "decimal(12,2) unsigned", precision: 12, scale: 2).physicalType == .int64)
        let wide = try map("decimal", "decimal(65,30)", precision: 65, scale: 30)
        #expect(wide.physicalType == .fixedLenByteArray && wide.typeLength == 28)
        let fromText = try map("decimal", "decimal(19,4)")
        #expect(fromText.logicalType == .decimal(precision: 19, scale: 4) && fromText.typeLength == 9)
    }

    @Test func datesAndTimestampsAreOptionalEvenWhenNotNullBecauseOfZeroDates() throws {
        #expect(try map("date", "date").logicalType == .date)
        #expect(try map("date", "date").repetition == .optional)
        let datetime = try map("datetime", "datetime(6)")
        #expect(datetime.logicalType == .timestamp(unit: .micros, adjustedToUTC: false))
        #expect(datetime.repetition == .optional)
        let timestamp = try map("timestamp", "timestamp")
        #expect(timestamp.logicalType == .timestamp(unit: .micros, adjustedToUTC: true))
        #expect(timestamp.repetition == .optional)
    }

    @Test func nullableColumnsAreOptional() throws {
        #expect(try map("int", "int", nullable: true).repetition == .optional)
        #expect(try map("varchar", "varchar(3)", nullable: true).repetition == .optional)
    }

    @Test func mariaDBJSONIsLongtextWithACheckConstraint() throws {
        let column = try TypeMapping.map(
            .init(name: "doc", dataType: "longtext", columnType: "longtext", isNullable: true, isJSON: true),
            table: "`db`.`t`"
        )
        #expect(column.parquet.logicalType == .json)
        #expect(column.kind == .json && column.mysqlType == "json")
    }

    @Test(arguments: ["geometry", "point", "linestring", "polygon", "multipolygon", "geometrycollection", "vector"])
    func spatialAndUnknownTypesAreAnErrorNamingTableColumnAndType(_ type: String) {
        let error = #expect(throws: MySQLError.self) {
            try TypeMapping.map(
                .init(name: "location", dataType: type, columnType: type, isNullable: true),
                table: "`shop`.`stores`"
            )
        }
        #expect(error?.code == .unsupportedType)
        #expect(error?.message.contains("`shop`.`stores`.`location`") == true)
        #expect(error?.message.contains(type) == true)
    }
}

@Suite struct ConnectionOptionsNeverRevealThePassword {
    @Test func descriptionAndDumpRedactThePassword() {
        let options = MySQLConnectionOptions(host: "db", user: "reader", password: "s3cret-pw", database: "shop")
        #expect(!options.description.contains("s3cret-pw"))
        #expect(!String(reflecting: options).contains("s3cret-pw"))
        var dumped = ""
        dump(options, to: &dumped)
        #expect(!dumped.contains("s3cret-pw"))
        #expect(options.description.contains("<redacted>"))
        #expect(options.description.contains("reader"))
    }
}
