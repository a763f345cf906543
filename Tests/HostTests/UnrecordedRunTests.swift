import Foundation
import Testing
import TestSupport

/// A serving host whose run's end cannot be written (a trigger refuses it, as a database that fails
/// every statement would) keeps trying, says so on `/health`, and records the end as soon as the
/// database takes it, without a restart.
@Suite(.enabled(if: TestDatabase.isEnabled, "TEST_DATABASE_URL is not set")) struct UnrecordedRunTests {
    @Test func aRunsEndIsRecordedOnceTheDatabaseTakesItAndHealthSaysSoMeanwhile() async throws {
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

            for statement in [
                "CREATE TABLE refuse_run_ends (refuse boolean NOT NULL)",
                "INSERT INTO refuse_run_ends VALUES (true)",
                """
                CREATE FUNCTION refuse_run_end() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    IF NEW.status <> 'running' AND (SELECT refuse FROM refuse_run_ends) THEN
                        RAISE EXCEPTION 'run ends refused by the test';
                    END IF;
                    RETURN NEW;
                END $$
                """,
                "CREATE TRIGGER refuse_run_end BEFORE UPDATE ON etl_runs FOR EACH ROW EXECUTE FUNCTION refuse_run_end()",
            ] {
                _ = try await database.rows(statement)
            }
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
}
