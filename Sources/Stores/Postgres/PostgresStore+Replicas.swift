import ETLFramework
import Logging
import PostgresNIO

/// Reads from streaming replicas (`read_urls`): the API's reads are spread over those that answer,
/// are within `max_lag` and have replayed every change this host knows of; the rest, and every
/// write, run lock, checkpoint and notification, stay on the primary.
extension PostgresStore {
    /// Runs `body` (a read) on a replica that may serve it, or on the primary. A replica that does not
    /// answer within ``ReadReplicas/replicaDeadline``, or whose connection fails, is skipped from then
    /// on and the read is served by the primary.
    func reading<T: Sendable>(logger: Logger, _ body: @escaping @Sendable (PostgresClient) async throws -> T) async throws -> T {
        guard let replicas = readReplicas else {
            let result = try await body(client)
            primary.answered()
            return result
        }
        if !replicas.primaryAnswering, let index = replicas.freshest() {
            return try await fromReplica(index, replicas, body)
        }
        if let index = replicas.pick() {
            do {
                return try await fromReplica(index, replicas, body)
            } catch let error where Self.isUnanswered(error) && !(error is CancellationError) {
                let reason = PostgresStoreError.wrap(error, while: "reading").reason
                logger.warning(
                    "replica skipped; reading from the primary", metadata: ["replica": "\(replicas.members[index].name)", "reason": "\(reason)"])
            }
        }
        let result: T
        do {
            // A primary that does not answer is waited for no longer than a replica would be, and
            // only when it is found away meanwhile is the read served elsewhere (a slow query is not
            // a reason to serve older data).
            result = try await withDeadline(ReadReplicas.primaryDeadline, doing: "reading from the primary") { try await body(client) }
        } catch let error where Self.isUnanswered(error) || isUnreachable(error) {
            if error is DeadlineExceeded, replicas.primaryAnswering { throw error }
            replicas.primaryFailed()
            guard let index = replicas.freshest() else { throw error }
            logger.warning("the primary does not answer; reading from a replica", metadata: ["replica": "\(replicas.members[index].name)"])
            return try await fromReplica(index, replicas, body)
        }
        primary.answered()
        // A replica must not answer with anything older than what the primary just gave.
        if let position = try? await Self.position(of: client, logger: logger) { replicas.raiseFloor(to: position) }
        return result
    }

    /// A read served by replica `index` (while the primary does not answer, the freshest: the newest
    /// data there is to serve, as the floor cannot be kept without the primary). A replica that does
    /// not answer is skipped until a poll gets an answer, and the error is thrown.
    func fromReplica<T: Sendable>(
        _ index: Int, _ replicas: ReadReplicas, _ body: @escaping @Sendable (PostgresClient) async throws -> T
    ) async throws -> T {
        let member = replicas.members[index]
        do {
            let result = try await withDeadline(ReadReplicas.replicaDeadline, doing: "reading from replica \(member.name)") {
                try await body(member.client)
            }
            replicas.served(by: index)
            return result
        } catch let error where Self.isUnanswered(error) && !(error is CancellationError) {
            replicas.markDown(index, reason: PostgresStoreError.wrap(error, while: "reading").reason)
            throw error
        }
    }

    /// Whether `error` means the server gave no answer (connection lost or refused, a deadline, a
    /// server shutting down or starting, a query cancelled by recovery) rather than refusing the query.
    static func isUnanswered(_ error: any Error) -> Bool {
        if error is DeadlineExceeded || connectionLost(error) { return true }
        guard let psql = error as? PSQLError else { return false }
        guard let state = psql.serverInfo?[.sqlState] else { return true }
        return state.hasPrefix("08") || state.hasPrefix("57") || state.hasPrefix("53") || state == "40001"
    }

    /// After a change this host learned of (its own batch, or another host's notification): no read
    /// may be served from before it.
    func noteChange(logger: Logger) async {
        guard let replicas = readReplicas else { return }
        let client = self.client
        let position = try? await withDeadline(.seconds(1), doing: "reading the primary's WAL position") {
            try await Self.position(of: client, logger: logger)
        }
        if let position { replicas.raiseFloor(to: position) } else { replicas.floorIsUnknown() }
    }

    /// The primary's WAL insert position, which every committed transaction is behind, even with
    /// `synchronous_commit = off` (`pg_current_wal_lsn()`, the write position, can still be before a
    /// commit record that has returned).
    static func position(of client: PostgresClient, logger: Logger) async throws -> LSN {
        for try await text in try await client.query("SELECT pg_current_wal_insert_lsn()::text", logger: logger).decode(String?.self) {
            if let lsn = text.flatMap(LSN.init) { return lsn }
        }
        throw ReadReplicas.PollFailure(reason: "no WAL position")
    }

    /// Polls the primary's position and every replica's replay position every
    /// ``ReadReplicas/pollInterval`` until cancelled, logging each replica that starts or stops serving.
    func monitorReplicas(_ replicas: ReadReplicas, logger: Logger) async {
        let client = self.client
        while !Task.isCancelled {
            let primary = try? await withDeadline(ReadReplicas.replicaDeadline, doing: "reading the primary's WAL position") {
                try await Self.position(of: client, logger: logger)
            }
            let answers = await withTaskGroup(of: (Int, Result<(inRecovery: Bool, replay: LSN?), ReadReplicas.PollFailure>).self) { group in
                for (index, member) in replicas.members.enumerated() {
                    group.addTask { (index, await Self.poll(member, logger: logger)) }
                }
                var answers = [Result<(inRecovery: Bool, replay: LSN?), ReadReplicas.PollFailure>](
                    repeating: .failure(.init(reason: "not polled")), count: replicas.members.count)
                for await (index, answer) in group { answers[index] = answer }
                return answers
            }
            for changed in replicas.record(primary: primary, replicas: answers, at: .now) {
                if changed.state == .ok {
                    logger.notice("replica serves reads again", metadata: ["replica": "\(changed.name)"])
                } else {
                    logger.warning(
                        "replica skipped",
                        metadata: ["replica": "\(changed.name)", "state": "\(changed.state.rawValue)", "reason": "\(changed.reason ?? "")"])
                }
            }
            try? await Task.sleep(for: ReadReplicas.pollInterval)
        }
    }

    static func poll(_ member: ReadReplicas.Member, logger: Logger) async -> Result<(inRecovery: Bool, replay: LSN?), ReadReplicas.PollFailure> {
        do {
            return .success(
                try await withDeadline(ReadReplicas.replicaDeadline, doing: "polling replica \(member.name)") {
                    let rows = try await member.client.query(
                        "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text", logger: logger)
                    for try await (inRecovery, replay) in rows.decode((Bool, String?).self) {
                        return (inRecovery, replay.flatMap(LSN.init))
                    }
                    throw ReadReplicas.PollFailure(reason: "no answer")
                })
        } catch let failure as ReadReplicas.PollFailure {
            return .failure(failure)
        } catch is DeadlineExceeded {
            return .failure(.init(reason: "no answer within \(ReadReplicas.replicaDeadline)"))
        } catch {
            return .failure(.init(reason: PostgresStoreError.wrap(error, while: "polling").reason))
        }
    }

    package func replicas() -> [ReplicaStatus] {
        readReplicas?.statuses() ?? []
    }
}
