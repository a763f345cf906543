import Foundation
import Testing
import TestSupport

/// Headless Chromium from Debian's packages; under CI it must be there (`.ci/run` installs it).
let chromiumPath: String? =
    ["/usr/bin/chromium", "/usr/bin/chromium-browser"].first {
        FileManager.default.isExecutableFile(atPath: $0)
    } ?? (ProcessInfo.processInfo.environment["CI"] == "true" ? "/usr/bin/chromium" : nil)

/// The dashboard in a real browser: headless Chromium loads it from a live host with data, the
/// rendered DOM is checked, and screenshots are taken.
@Suite(.enabled(if: TestDatabase.isEnabled && chromiumPath != nil, "needs TEST_DATABASE_URL and chromium"), .serialized)
struct DashboardTests {
    static var chromium: String? { chromiumPath }

    /// Runs headless Chromium with `arguments` and returns what it printed.
    static func browser(_ arguments: [String]) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: chromium!)
        process.arguments = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"] + arguments
        let output = Pipe()
        process.standardOutput = output
        process.standardError = FileHandle.nullDevice
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static let token = "dashboard-test-token-7f3a"

    /// The texts of the SVG `<text>` elements of a class, in order.
    static func texts(_ page: String, class name: String) -> [String] {
        page.components(separatedBy: "<text class=\"\(name)\"").dropFirst().compactMap { chunk in
            guard let start = chunk.firstIndex(of: ">"), let end = chunk.range(of: "</text>") else { return nil }
            return String(chunk[chunk.index(after: start)..<end.lowerBound])
        }
    }

    /// `/docs` as a browser renders it: one section per operation of the document, each with its
    /// method and path, read from `/openapi.json` by the page's own script.
    @Test func theDocsPageShowsEveryOperationOfTheDocument() async throws {
        try await TestDatabase.with { database in
            let directory = try Paths.scratchDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            try "symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\n".write(
                to: directory.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
            try "store: {url: \"${DATABASE_URL}\"}\npipelines:\n  - {name: a, source: {type: csv, path: a.csv}}\n".write(
                to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
            let host = try await LiveHost.start(file: "p.yaml", in: directory, environment: ["DATABASE_URL": database.url, "LOG_LEVEL": "warning"])
            let document = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(string: host.base + "/openapi.json")!)) as? [String: Any]
            let paths = document?["paths"] as? [String: [String: Any]] ?? [:]
            let operations = paths.flatMap { path, item in item.keys.map { ($0.uppercased(), path) } }
            let page = try Self.browser(["--virtual-time-budget=5000", "--dump-dom", host.base + "/docs"])
            #expect(page.contains("data-operations=\"\(operations.count)\""), "\(page.prefix(2000))")
            #expect(page.components(separatedBy: "<section class=\"operation ").count - 1 == operations.count)
            for (method, path) in operations {
                #expect(page.contains("<span class=\"method\">\(method)</span><code class=\"path\">\(path)</code>"), "\(method) \(path)")
            }
            #expect(try await host.terminate() == 0)
        }
    }

    @Test func theDashboardRendersPipelinesPricesAndAChart() async throws {
        try await TestDatabase.with { database in
            let directory = try Paths.scratchDirectory()
            defer { try? FileManager.default.removeItem(at: directory) }
            let header = "symbol,name,price_usd,market_cap_usd,volume_24h_usd,percent_change_24h,created_at\n"
            try
                (header
                + "BTC,Bitcoin,42000,820000000000,1,1,2025-12-08T12:00:00Z\nBTC,Bitcoin,43000,840000000000,1,1,2025-12-09T12:00:00Z\nETH,Ethereum,2200,260000000000,1,1,2025-12-09T12:00:00Z\n")
                .write(to: directory.appendingPathComponent("a.csv"), atomically: true, encoding: .utf8)
            try
                (header
                + "BTC,Bitcoin,42500,830000000000,1,1,2025-12-08T18:00:00Z\nBTC,Bitcoin,43900,850000000000,1,1,2025-12-10T12:00:00Z\nbad,,-1,,,,\n")
                .write(to: directory.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
            try """
            store: {url: "${DATABASE_URL}"}
            server: {trigger_token: "${SCHEDULER_TOKEN}"}
            pipelines:
              - {name: alpha, source: {type: csv, path: a.csv}, schedule: {every: 5m}}
              - {name: beta, source: {type: csv, path: b.csv}}
            """.write(to: directory.appendingPathComponent("p.yaml"), atomically: true, encoding: .utf8)
            let host = try await LiveHost.start(
                file: "p.yaml", in: directory, environment: ["DATABASE_URL": database.url, "LOG_LEVEL": "warning", "SCHEDULER_TOKEN": Self.token])
            for _ in 0..<100 {
                if (try await host.request("/stats")).1["total_normalized"] as? Int == 2 { break }
                try await Task.sleep(for: .milliseconds(100))
            }
            let dashboard = try Self.browser(["--dump-dom", host.base + "/"])
            #expect(dashboard.contains("<table id=\"pipelines\">"))
            #expect(dashboard.contains("<td>alpha</td>") && dashboard.contains("<td>beta</td>"))
            #expect(dashboard.contains("<table id=\"prices\">"))
            // Times read as a person reads them; the exact time stays in the page.
            #expect(dashboard.contains("<time datetime=\"2025-12-10T12:00:00.000Z\" title=\"2025-12-10T12:00:00.000Z\">"), "\(dashboard)")
            #expect(dashboard.contains(">on 2025-12-10</time>") && !dashboard.contains(">2025-12-10T12:00:00.000Z<"))
            #expect(dashboard.contains(">just now</time>"), "the runs just finished")
            #expect(dashboard.contains("<a href=\"/dashboard/BTC\">BTC</a>"))
            #expect(dashboard.contains("price_usd must be greater than 0, got -1"))  // a quarantined reason under its run
            #expect(dashboard.contains("<button class=\"run-now\" data-pipeline=\"alpha\">run now</button>"))
            #expect(!dashboard.contains("onclick"), "no JavaScript in attributes")
            #expect(!dashboard.contains(#"class="checks-failed""#), "no check is configured, so none failed: nothing is marked")
            for page in [dashboard] + [try Self.browser(["--dump-dom", host.base + "/dashboard/BTC"])] {
                #expect(!page.contains(Self.token), "the trigger token must never reach a page")
            }
            let ticker = try Self.browser(["--dump-dom", host.base + "/dashboard/BTC"])
            #expect(ticker.contains("<svg id=\"chart\""))
            let series = ticker.components(separatedBy: "<path class=\"series\"").count - 1
            #expect(series == 2, "one line per source")
            #expect(ticker.contains("data-source=\"alpha\" d=\"M"))
            // Dated labels on the time axis (the history spans two days: date and time of day), and
            // price labels from the lowest to the highest plotted price.
            let timeLabels = Self.texts(ticker, class: "x-label")
            #expect(timeLabels.count == 5)
            #expect(timeLabels.first == "12-08 12:00" && timeLabels.last == "12-10 12:00", "\(timeLabels)")
            let priceLabels = Self.texts(ticker, class: "y-label")
            #expect(priceLabels.first == "42000.00" && priceLabels.last == "43900.00", "\(priceLabels)")
            // ETH has one observation: a point, not a line.
            let eth = try Self.browser(["--dump-dom", host.base + "/dashboard/ETH"])
            #expect(!eth.contains("<path class=\"series\""))
            #expect(eth.components(separatedBy: "<circle class=\"point\"").count - 1 == 1)
            // The screenshots in docs/ are these; SCREENSHOTS=docs retakes them there.
            let shots = ProcessInfo.processInfo.environment["SCREENSHOTS"].map { Paths.packageRoot.appendingPathComponent($0) } ?? directory
            for (page, file) in [("/", "dashboard.png"), ("/dashboard/BTC", "ticker-btc.png")] {
                let path = shots.appendingPathComponent(file).path
                _ = try Self.browser(["--window-size=1280,900", "--screenshot=\(path)", host.base + page])
                let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
                #expect(size > 10_000, "\(file) is \(size) bytes")
            }
            #expect(try await host.terminate() == 0)
        }
    }
}
