import ETLFramework
import Foundation
import PostgresNIO
import ETLPostgresStore
import Testing
import TestSupport

/// The partitioned history layout (migration 6): a populated database of the previous schema moves
/// over with every row kept, reads with dates touch only their months, partitions are created on
/// demand and ahead, and retention drops whole months.
@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set")) struct PartitionedHistoryTests {
    /// Fingerprints of every row of the history tables, equal before and after a migration that keeps them.
    static let fingerprints = [
        "SELECT count(*)::text, sum(price_usd)::text, sum(market_cap_usd)::text, min(observed_at)::text, max(observed_at)::text FROM observations",
        """
        SELECT md5(string_agg(concat_ws('|', asset_ref, observed_at, ticker, price_usd, market_cap_usd, volume_24h_usd,
            percent_change_24h, rank, raw_id, run_id, ingested_at), ',' ORDER BY asset_ref, observed_at)) FROM observations
        """,
        """
        SELECT count(*)::text, md5(string_agg(concat_ws('|', id, source, encode(content_hash, 'hex'), external_id,
            coalesce(to_jsonb(r) ->> 'payload', to_jsonb(r) ->> 'payload_json'), location, line, run_id, ingested_at), ',' ORDER BY id))
        FROM raw_records r
        """,
        "SELECT count(*)::text, md5(string_agg(concat_ws('|', id, ticker, price_usd, source), ',' ORDER BY id)) FROM normalized_records",
    ]

    @Test func aPopulatedDatabaseOfThePreviousSchemaMovesToPartitionsWithEveryRowKept() async throws {
        try await TestDatabase.with { database in
            let before: [[[String?]]] = try await database.withStore(migrateUpTo: 5) { _ in
                // Three years of weekly prices of 40 coins, their raw payloads, and 25 payloads that were
                // rejected (no observation refers to them): 6,280 observations over 36 months.
                _ = try await database.rows(
                    """
                    INSERT INTO source_assets (source, source_asset_id, ticker, name)
                    SELECT 'csv', 'coin-' || i, 'C' || i, 'Coin ' || i FROM generate_series(1, 40) AS i
                    """)
                _ = try await database.rows(
                    """
                    INSERT INTO raw_records (id, source, content_hash, external_id, payload, location, line, run_id)
                    SELECT md5('raw-' || s.id || '-' || w)::uuid, 'csv', decode(md5('raw-' || s.id || '-' || w), 'hex'), s.source_asset_id,
                        json_build_object('symbol', s.ticker, 'week', w), 'prices.csv:' || (w * 40 + s.id), w * 40 + s.id, 1
                    FROM source_assets s, generate_series(0, 156) AS w
                    """)
                _ = try await database.rows(
                    """
                    INSERT INTO observations (asset_ref, observed_at, ticker, price_usd, market_cap_usd, volume_24h_usd,
                        percent_change_24h, rank, raw_id, run_id)
                    SELECT s.id, timestamptz '2023-01-02 12:00:00+00' + w * interval '7 days', s.ticker,
                        (s.id * 1000 + w)::numeric / 7, s.id * 1e9 + w, NULL, w % 13 - 6.5, s.id, md5('raw-' || s.id || '-' || w)::uuid, 1
                    FROM source_assets s, generate_series(0, 156) AS w
                    """)
                _ = try await database.rows(
                    """
                    INSERT INTO raw_records (id, source, content_hash, external_id, payload, location, line, run_id)
                    SELECT md5('bad-' || i)::uuid, 'csv', decode(md5('bad-' || i), 'hex'), NULL, json_build_object('price', 'n/a'),
                        'prices.csv:' || (9000 + i), 9000 + i, 1
                    FROM generate_series(1, 25) AS i
                    """)
                _ = try await database.rows(
                    """
                    INSERT INTO normalized_records (id, ticker, name, price_usd, source, source_asset_id, created_at)
                    SELECT ticker, ticker, name, id, 'csv', source_asset_id, now() FROM source_assets
                    """)
                #expect(try await database.scalar("SELECT count(*) FROM observations") == "6280")
                #expect(try await database.scalar("SELECT relkind::text FROM pg_class WHERE relname = 'observations'") == "r")
                var rows: [[[String?]]] = []
                for query in Self.fingerprints { rows.append(try await database.rows(query)) }
                return rows
            }
            try await database.withStore { store in
                var after: [[[String?]]] = []
                for query in Self.fingerprints { after.append(try await database.rows(query)) }
                #expect(after == before)
                #expect(try await database.scalar("SELECT max(version) FROM schema_migrations") == "10")
                #expect(try await database.scalar("SELECT relkind::text FROM pg_class WHERE relname = 'observations'") == "p")
                // 36 months (2023-01 .. 2025-12) of each table, plus each early partition.
                let partitions = try await database.rows(
                    """
                    SELECT i.inhparent::regclass::text, count(*) FROM pg_inherits i
                    WHERE i.inhparent IN ('observations'::regclass, 'raw_records'::regclass) GROUP BY 1 ORDER BY 1
                    """)
                #expect(partitions == [["observations", "37"], ["raw_records", "37"]])
                // Each raw payload sits in its observation's month; the rejected ones in the early partition.
                #expect(
                    try await database.scalar(
                        "SELECT count(*) FROM raw_records r JOIN observations o ON o.raw_id = r.id AND o.observed_at = r.observed_at") == "6280")
                #expect(try await database.scalar("SELECT count(*) FROM raw_records_early WHERE observed_at = '-infinity'") == "25")
                #expect(try await database.scalar("SELECT count(*) FROM observations_2024_06") == "160")

                // The store writes into the new layout, and reading a file again adds nothing.
                let directory = try Paths.scratchDirectory()
                defer { try? FileManager.default.removeItem(at: directory) }
                let harness = Harness(database: database, store: store, directory: directory)
                _ = try harness.write(
                    "late.csv",
                    header
                        + "C1,Coin 1,5,50,1,1,2026-02-03T00:00:00Z\nNEW,New Coin,7,70,1,1,2019-05-05T00:00:00Z\nBAD,Bad,x,1,1,1,2026-02-03T00:00:00Z\n"
                )
                let first = try await harness.run("csv", file: "late.csv")
                #expect(first.counters.processed == 2)
                #expect(first.counters.quarantined == 1)
                try await store.resetCheckpoint(for: "csv", logger: TestLog.logger)
                let again = try await harness.run("csv", file: "late.csv")
                #expect(again.counters.processed == 0)
                #expect(try await harness.count("observations") == 6282)
                #expect(try await harness.count("raw_records") == 6280 + 25 + 3)
                #expect(try await harness.count("observations_2019_05") == 1)
            }
        }
    }

    @Test func aHistoryReadWithDatesTouchesOnlyTheMonthsItAsksFor() async throws {
        try await Harness.with { harness in
            var rows = ""
            for month in 1...12 {
                for day in [3, 17] {
                    rows += "BTC,Bitcoin,\(month * 1000 + day),1,1,1,2025-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)T00:00:00Z\n"
                }
            }
            _ = try harness.write("btc.csv", header + rows)
            #expect(try await harness.run("csv", file: "btc.csv").counters.processed == 24)
            #expect(
                try await harness.database.scalar("SELECT count(*) FROM pg_inherits WHERE inhparent = 'observations'::regclass") == "13")
            // A week in March: only March's partition is read.
            let week = HistoryQuery(
                ticker: "BTC", start: Timestamp(Date(timeIntervalSince1970: 1_741_564_800)),  // 2025-03-10
                end: Timestamp(Date(timeIntervalSince1970: 1_742_169_600)))  // 2025-03-17
            let plan = try await Self.plan(of: PostgresStore.historySelect(week), in: harness.store)
            let scanned = Set(plan.matches(of: /observations_\d{4}_\d{2}|observations_early/).map { String($0.output) })
            #expect(scanned == ["observations_2025_03"], "\(plan)")
            let page = try await harness.store.history(week, logger: TestLog.logger)
            #expect(page.items.map(\.priceUSD) == ["3017"])
            // Without dates every month is read.
            let all = try await Self.plan(of: PostgresStore.historySelect(HistoryQuery(ticker: "BTC", source: "csv")), in: harness.store)
            #expect(Set(all.matches(of: /observations_\d{4}_\d{2}/).map { String($0.output) }).count == 12)
            // The prepared statement the API uses for dated reads, once PostgreSQL plans it generically:
            // the months are pruned as it starts, so it still reads March alone.
            let generic = try await harness.store.client.withConnection { connection in
                _ = try await connection.query("SET plan_cache_mode = force_generic_plan", logger: TestLog.logger)
                _ = try await connection.query(
                    PostgresQuery(unsafeSQL: "PREPARE dated(text, text, text, int8, int8) AS " + PreparedReads.datedHistorySQL),
                    logger: TestLog.logger)
                var lines: [String] = []
                for try await line in try await connection.query(
                    """
                    EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF)
                    EXECUTE dated('BTC', '2025-03-10T00:00:00Z', '2025-03-17T00:00:00Z', 50, 0)
                    """, logger: TestLog.logger
                ).decode(String.self) {
                    lines.append(line)
                }
                return lines.joined(separator: "\n")
            }
            #expect(generic.contains("Subplans Removed: 12"), "\(generic)")
            #expect(Set(generic.matches(of: /observations_\d{4}_\d{2}/).map { String($0.output) }) == ["observations_2025_03"], "\(generic)")
        }
    }

    @Test func retentionDropsWholeMonthsTrimsTheEarlyPartitionAndKeepsTheRest() async throws {
        let day: TimeInterval = 86_400
        let now = Date()
        @Sendable func iso(_ date: Date) -> String { Timestamp(date).iso8601 }
        @Sendable func month(_ age: Double) -> String { String(iso(now - age * day).prefix(7)).replacingOccurrences(of: "-", with: "_") }
        var text = ""
        for ticker in ["AAA", "BBB", "CCC"] {
            for age in [800.0, 400, 10] { text += "\(ticker),\(ticker) Coin,\(age),1,1,1,\(iso(now - age * day))\n" }
        }
        text += "DDD,Bad,not-a-price,1,1,1,\(iso(now))\n"
        let rows = text
        try await TestDatabase.with { database in
            let retention = RetentionPolicy(history: try ConfigDuration(parsing: "730d"), raw: try ConfigDuration(parsing: "90d"))
            try await database.withStore(retention: retention) { store in
                let directory = try Paths.scratchDirectory()
                defer { try? FileManager.default.removeItem(at: directory) }
                let harness = Harness(database: database, store: store, directory: directory)
                _ = try harness.write("a.csv", header + rows)
                #expect(try await harness.run("csv", file: "a.csv").counters.processed == 9)
                // Sources deliver nothing before 2009; rows in the early partition come from older
                // databases or by hand, and retention trims them row by row.
                _ = try await database.rows(
                    """
                    INSERT INTO observations (asset_ref, observed_at, ticker, price_usd, raw_id, run_id)
                    SELECT asset_ref, '1999-06-01', ticker, 1999, raw_id, run_id FROM observations LIMIT 1
                    """)
                _ = try await database.rows(
                    """
                    INSERT INTO raw_records (id, source, content_hash, payload, location, run_id, observed_at)
                    SELECT id, source, content_hash, payload, location, run_id, '1999-06-01' FROM raw_records LIMIT 1
                    """)
                #expect(try await harness.count("raw_records") == 11)
                let report = try await store.maintain(now: now, logger: TestLog.logger)
                let dropped = report.droppedPartitions.map(\.name)
                #expect(dropped.contains("observations_" + month(800)))
                #expect(dropped.contains("raw_records_" + month(800)))
                #expect(dropped.contains("raw_records_" + month(400)))
                #expect(!dropped.contains("observations_" + month(400)))
                #expect(!dropped.contains("raw_records_" + month(10)))
                #expect(report.deletedRows == ["observations": 1, "raw_records": 1])
                // History keeps 400 and 10 days; raw payloads keep 10 days and the rejected one.
                #expect(
                    try await database.rows("SELECT ticker, count(*) FROM observations GROUP BY 1 ORDER BY 1") == [
                        ["AAA", "2"], ["BBB", "2"], ["CCC", "2"],
                    ])
                #expect(try await harness.count("raw_records") == 4)
                #expect(try await database.scalar("SELECT count(*) FROM raw_records WHERE observed_at = '-infinity'") == "1")
                #expect(try await harness.unified("AAA")?[1] == "10")
                // Partitions ahead: this month and the next two, of both tables.
                let ahead = PostgresStore.monthsAhead(of: now).map { "observations_" + $0.prefix(7).replacingOccurrences(of: "-", with: "_") }
                for name in ahead {
                    #expect(try await database.scalar("SELECT to_regclass('\(name)')::text") == name)
                }
                // A second pass has nothing left to do.
                let second = try await store.maintain(now: now, logger: TestLog.logger)
                #expect(second.droppedPartitions.isEmpty)
                #expect(second.deletedRows == ["observations": 0, "raw_records": 0])

                // Old data arriving again after its month was dropped gets its partition back.
                _ = try harness.write("b.csv", header + "AAA,AAA Coin,801,1,1,1,\(iso(now - 801 * day))\n")
                #expect(try await harness.run("csv", file: "b.csv").counters.processed == 1)
            }
        }
    }

    @Test func aPartitionDroppedBehindTheStoresBackIsCreatedAgainWhenABatchNeedsIt() async throws {
        try await Harness.with { harness in
            _ = try harness.write("a.csv", header + "AAA,A,1,1,1,1,2024-05-05T00:00:00Z\n")
            try await harness.run("csv", file: "a.csv")
            // Another host's retention drops the month this process has seen.
            _ = try await harness.database.rows("DROP TABLE observations_2024_05, raw_records_2024_05")
            _ = try harness.write("b.csv", header + "BBB,B,2,1,1,1,2024-05-06T00:00:00Z\n")
            let report = try await harness.run("csv", file: "b.csv")
            #expect(report.status == .success)
            #expect(try await harness.count("observations_2024_05") == 1)
        }
    }

    @Test func hostsCreatingTheSameMonthsAtOnceAllSucceed() async throws {
        try await TestDatabase.with { database in
            try await database.withStore { _ in }
            var wanted = Set<String>()
            for index in 0..<24 {
                let year = Int64(2030 + index / 12), month = Int64(index % 12 + 1)
                wanted.insert(PostgresStore.monthText(year: year, month: month))
            }
            let months = wanted
            let created = try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        try await database.withStore { store in try await store.ensurePartitions(months: months, logger: TestLog.logger) }
                    }
                }
                var all: [String] = []
                for try await names in group { all += names }
                return all
            }
            #expect(created.count == 48)
            #expect(Set(created).count == 48)
            #expect(
                try await database.scalar("SELECT count(*) FROM pg_inherits WHERE inhparent = 'observations'::regclass") == "25")
        }
    }

    static func plan(of query: PostgresQuery, in store: PostgresStore) async throws -> String {
        var lines: [String] = []
        for try await line in try await store.client.query(
            PostgresQuery(unsafeSQL: "EXPLAIN " + query.sql, binds: query.binds), logger: TestLog.logger
        ).decode(String.self) {
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
