import ETLFramework
import Logging
import PostgresNIO

extension PostgresStore {
    package func checkpoint(for pipeline: String, logger: Logger) async throws -> Checkpoint? {
        do {
            let rows = try await client.query(
                "SELECT kind, state::text FROM checkpoints WHERE pipeline = \(pipeline)", logger: logger)
            for try await (kind, state) in rows.decode((String, String).self) {
                return Checkpoint(kind: kind, state: state)
            }
            return nil
        } catch {
            throw PostgresStoreError.wrap(error, while: "reading the checkpoint of \(pipeline)")
        }
    }

    package func resetCheckpoint(for pipeline: String, logger: Logger) async throws -> Bool {
        do {
            var deleted = false
            let rows = try await client.query(
                "DELETE FROM checkpoints WHERE pipeline = \(pipeline) RETURNING pipeline", logger: logger)
            for try await _ in rows.decode(String.self) { deleted = true }
            return deleted
        } catch {
            throw PostgresStoreError.wrap(error, while: "resetting the checkpoint of \(pipeline)")
        }
    }
}
