import CSVFileAdapter
import ETLFramework
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import ETLPostgresStore
import TestSupport

@testable import Server
import StandardPlugins

/// A migrated test database with CSV pipelines, a run controller, and the API on top, tested in
/// process through Hummingbird's router client.
struct APIHarness {
    let store: any Store
    let controller: RunController
    let api: API
    let directory: URL

    static let header = "symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\n"

    /// Sets everything up with one CSV pipeline per `files` entry (name -> contents), loads each once,
    /// runs `body`, and tears it all down.
    static func with(
        _ kind: StoreKind, files: [(String, String)], token: String? = "test-token", checks: [String: RunChecks] = [:],
        cors: CORSSettings? = nil,
        _ body: @Sendable (APIHarness, any TestClientProtocol) async throws -> Void
    ) async throws {
        try await kind.with { store, directory in
            do {
                var pipelines: [Pipeline] = []
                for (name, text) in files {
                    try Data(text.utf8).write(to: directory.appendingPathComponent("\(name).csv"))
                    let source = CSVSource(path: directory.appendingPathComponent("\(name).csv").path, displayPath: "\(name).csv")
                    pipelines.append(
                        Pipeline(
                            name: name, source: source, transforms: TransformChain(normalizer: Normalizer(mapping: CSVSource.defaultMapping)),
                            batchSize: 1000,
                            schedule: nil, checks: checks[name] ?? RunChecks()))
                }
                let runner = PipelineRunner(store: store)
                for pipeline in pipelines { _ = try await runner.run(pipeline, trigger: .cli, logger: TestLog.logger) }
                let controller = RunController(runner: runner, pipelines: pipelines, logger: TestLog.logger)
                var settings = ServerSettings(host: "127.0.0.1", port: 0, triggerToken: token)
                settings.cors = cors
                let api = API(
                    store: store, controller: controller, settings: settings, logger: TestLog.logger,
                    // The suite runs many databases at once on 2 cores.
                    databaseDeadline: .seconds(30), healthDeadline: .seconds(30))
                let harness = APIHarness(store: store, controller: controller, api: api, directory: directory)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { await controller.run(schedules: false) }
                    group.addTask {
                        try await store.watchChanges(logger: TestLog.logger) { api.cache.invalidate() }
                    }
                    defer {
                        controller.shutdown()
                        group.cancelAll()
                    }
                    let app = Application(router: api.router())
                    try await app.test(.router) { client in try await body(harness, client) }
                }
            }
        }
    }
}

extension TestClientProtocol {
    /// GETs `uri` and returns the status, the decoded JSON body and the headers.
    func json(
        _ uri: String, method: HTTPRequest.Method = .get, headers: HTTPFields = [:]
    ) async throws
        -> (status: HTTPResponse.Status, body: [String: Any], headers: HTTPFields)
    {
        try await execute(uri: uri, method: method, headers: headers) { response in
            let data = Data(buffer: response.body)
            let body = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] ?? ["<raw>": String(decoding: data, as: UTF8.self)]
            return (response.status, body, response.headers)
        }
    }
}

extension Dictionary where Key == String, Value == Any {
    subscript(path path: String) -> Any? {
        var current: Any? = self
        for part in path.split(separator: ".") {
            if let index = Int(part), let array = current as? [Any] {
                current = index < array.count ? array[index] : nil
            } else {
                current = (current as? [String: Any])?[String(part)]
            }
        }
        return current
    }
}
