import Foundation
import Testing
import TestSupport

/// A serving host whose run's end cannot be written (a trigger refuses it, as a database that fails
/// every statement would) keeps trying, says so on `/health`, and records the end as soon as the
/// database takes it, without a restart.
@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set")) struct UnrecordedRunTests {
    @Test func aRunsEndIsRecordedOnceTheDatabaseTakesItAndHealthSaysSoMeanwhile() async throws {
        try await withServingHost { host, database in

            for statement in ["CREATE TABLE refuse_run_ends (refuse boolean NOT NULL)", "INSERT INTO refuse_run_ends VALUES (true)"] {
                _ = try await database.rows(statement)
            }
            try await interceptRunEnds(
                "refuse_run_end", in: database,
                """
                IF NEW.status <> 'running' AND (SELECT refuse FROM refuse_run_ends) THEN
                    RAISE EXCEPTION 'run ends refused by the test';
                END IF;
                RETURN NEW;
                """)
            let triggered = try await host.request("/trigger-etl", method: "POST", headers: ["X-Scheduler-Token": "t0ken-t0ken"])
            #expect(triggered.0 == 202, "\(triggered.1)")
            var said = ""
            #expect(
                try await eventually(15) {
                    let (_, body) = try await host.request("/health")
                    said = ((body["reasons"] as? [String]) ?? []).joined(separator: "; ")
                    return said.contains("ended but its end is not recorded yet")
                }, "health said: \(said)")
            #expect(said.contains("run ends refused by the test"), "\(said)")
            #expect(try await database.scalar("SELECT count(*) FROM etl_runs WHERE status = 'running'") == "1")

            _ = try await database.rows("UPDATE refuse_run_ends SET refuse = false")
            #expect(
                try await eventually(5) { try await database.scalar("SELECT count(*) FROM etl_runs WHERE status = 'success'") == "2" },
                "the run's end was not recorded once the database took it")
            #expect(
                try await eventually(5) {
                    let (_, body) = try await host.request("/health")
                    return body["status"] as? String == "ok"
                })
        }
    }

    /// A database that lost the commit recording a run's start (restored from a backup, or run
    /// without durable commits) answers that the run does not exist. Retrying cannot record it, so
    /// the serving host ends that run and the pipeline runs again on the next trigger.
    @Test func aRunTheDatabaseNoLongerHoldsEndsAndThePipelineRunsAgain() async throws {
        try await withServingHost { host, database in

            // The run's end finds no row, as if the row had never been committed.
            try await interceptRunEnds(
                "lose_run_end", in: database,
                """
                IF NEW.status <> 'running' THEN RETURN NULL; END IF;
                RETURN NEW;
                """)
            let lost = try await host.request("/trigger-etl", method: "POST", headers: ["X-Scheduler-Token": "t0ken-t0ken"])
            #expect(lost.0 == 202, "\(lost.1)")
            #expect(try await eventually(10) { try await database.scalar("SELECT count(*) FROM etl_runs") == "2" })
            _ = try await database.rows("DROP TRIGGER lose_run_end ON etl_runs")

            var answer = 0
            #expect(
                try await eventually(10) {
                    answer = try await host.request("/trigger-etl", method: "POST", headers: ["X-Scheduler-Token": "t0ken-t0ken"]).0
                    return answer == 202
                }, "the pipeline stayed busy with the lost run: the last trigger got \(answer)")
            #expect(
                try await eventually(10) { try await database.scalar("SELECT count(*) FROM etl_runs WHERE status = 'success'") == "2" },
                "the run after the lost one was not recorded")
            let (_, health) = try await host.request("/health")
            let reasons = (health["reasons"] as? [String]) ?? []
            #expect(!reasons.contains { $0.contains("not recorded yet") }, "\(reasons)")
        }
    }

    /// Runs `body` with a serving host of one CSV pipeline whose first run has succeeded.
    private func withServingHost(_ body: (LiveHost, TestDatabase) async throws -> Void) async throws {
        try await TestDatabase.with { database in
            let directory = try PipelineMistakesCLITests.scratch([
                "a.csv": PipelineMistakesCLITests.oneRow,
                "p.yaml": """
                store: {type: postgres, url: "${DATABASE_URL}"}
                server: {trigger_token: "${TOKEN}"}
                pipelines: [{name: a, source: {type: csv, path: a.csv}}]
                """,
            ])
            defer { try? FileManager.default.removeItem(at: directory) }
            let host = try await LiveHost.start(
                file: "p.yaml", in: directory, environment: ["DATABASE_URL": database.url, "TOKEN": "t0ken-t0ken", "LOG_LEVEL": "critical"])
            defer { kill(host.started.process.processIdentifier, SIGKILL) }
            #expect(try await eventually(20) { (try? await database.scalar("SELECT count(*) FROM etl_runs WHERE status = 'success'")) == "1" })
            try await body(host, database)
        }
    }

    /// Runs `body` (PL/pgSQL) before every update of a run's record, as trigger `name`.
    private func interceptRunEnds(_ name: String, in database: TestDatabase, _ body: String) async throws {
        _ = try await database.rows("CREATE FUNCTION \(name)() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \(body) END $$")
        _ = try await database.rows("CREATE TRIGGER \(name) BEFORE UPDATE ON etl_runs FOR EACH ROW EXECUTE FUNCTION \(name)()")
    }
}
