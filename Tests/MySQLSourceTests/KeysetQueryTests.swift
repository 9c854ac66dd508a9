import Testing

@testable import MySQLSource

@Suite struct KeysetQueriesPageByKeyWithoutRowConstructors {
    let orders = TableName(unchecked: "shop", "orders")

    @Test func aSingleColumnKeyComparesDirectly() throws {
        let query = try KeysetQuery(
            table: orders,
            columns: ["id", "total"],
            key: ["id"],
            chunkSize: 1000,
            context: "dataset orders"
        )
        #expect(query.sql(after: false) == "SELECT `id`, `total` FROM `shop`.`orders` ORDER BY `id` LIMIT 1000")
        #expect(
            query.sql(after: true)
                == "SELECT `id`, `total` FROM `shop`.`orders` WHERE `id` > ? ORDER BY `id` LIMIT 1000"
        )
        let position = KeysetPosition(values: [.int64(41)])
        #expect(query.parameters(after: position) == [.int64(41)])
        #expect(query.parameters(after: nil) == [])
    }

    @Test func aCompositeKeyExpandsIntoDisjunctionsWithALeadingRange() throws {
        let query = try KeysetQuery(
            table: orders,
            columns: ["a", "b", "c", "x"],
            key: ["a", "b", "c"],
            chunkSize: 10,
            context: "d"
        )
        #expect(
            query.sql(after: true)
                == """
                SELECT `a`, `b`, `c`, `x` FROM `shop`.`orders` WHERE `a` >= ? AND ((`a` > ?) OR (`a` = ? AND `b` \
                > ?) OR (`a` = ? AND `b` = ? AND `c` > ?)) ORDER BY `a`, `b`, `c` LIMIT 10
                """
        )
        let position = KeysetPosition(values: [.int64(1), .string("x"), .uint64(3)])
        #expect(
            query.parameters(after: position) == [
                .int64(1), .int64(1), .int64(1), .string("x"), .int64(1), .string("x"), .uint64(3),
            ]
        )
    }

    @Test func theFilterComesFirstWithItsParameters() throws {
        let query = try KeysetQuery(
            table: orders,
            columns: ["id", "updated_at"],
            key: ["id"],
            filter: "`updated_at` >= ?",
            filterParameters: [.datetime(microseconds: 0)],
            chunkSize: 500,
            forceIndex: "PRIMARY",
            context: "d"
        )
        #expect(
            query.sql(after: true)
                == """
                SELECT `id`, `updated_at` FROM `shop`.`orders` FORCE INDEX (`PRIMARY`) WHERE (`updated_at` >= ?) \
                AND `id` > ? ORDER BY `id` LIMIT 500
                """
        )
        #expect(
            query.parameters(after: KeysetPosition(values: [.int64(9)])) == [.datetime(microseconds: 0), .int64(9)]
        )
        #expect(
            query.sql(after: false)
                == """
                SELECT `id`, `updated_at` FROM `shop`.`orders` FORCE INDEX (`PRIMARY`) WHERE (`updated_at` >= ?) \
                ORDER BY `id` LIMIT 500
                """
        )
    }

    @Test func boundsInEveryDirectionForReconciliationChunks() {
        #expect(KeysetQuery.keyPredicate(["a"], .atOrBefore) == "`a` <= ?")
        #expect(
            KeysetQuery.keyPredicate(["a", "b"], .atOrAfter) == "`a` >= ? AND ((`a` > ?) OR (`a` = ? AND `b` >= ?))"
        )
        #expect(KeysetQuery.keyPredicate(["a", "b"], .before) == "`a` <= ? AND ((`a` < ?) OR (`a` = ? AND `b` < ?))")
        #expect(
            KeysetQuery.keyParameters([.int64(1), .int64(2)], .before) == [.int64(1), .int64(1), .int64(1), .int64(2)]
        )
    }

    @Test func invalidDefinitionsAreRejectedNamingTheDataset() {
        let context = #"dataset "orders""#
        var error = #expect(throws: MySQLError.self) {
            try KeysetQuery(table: orders, columns: ["total"], key: ["id"], chunkSize: 10, context: context)
        }
        #expect(error?.message.contains(context) == true)
        error = #expect(throws: MySQLError.self) {
            try KeysetQuery(table: orders, columns: ["i`d"], key: ["i`d"], chunkSize: 10, context: context)
        }
        #expect(error?.code == .invalidIdentifier)
        #expect(throws: MySQLError.self) {
            try KeysetQuery(table: orders, columns: ["id"], key: [], chunkSize: 10, context: context)
        }
        #expect(throws: MySQLError.self) {
            try KeysetQuery(table: orders, columns: ["id"], key: ["id"], chunkSize: 0, context: context)
        }
        #expect(throws: MySQLError.self) {
            try KeysetQuery(
                table: orders,
                columns: ["id"],
                key: ["id"],
                filter: "`id` > ? AND `id` < ?",
                filterParameters: [.int64(1)],
                chunkSize: 10,
                context: context
            )
        }
    }
}
