import ETLFramework
import Foundation
import Testing

/// `checks:` and `notify:` as written in a pipeline file.
@Suite struct QualityConfigTests {
    @Test func checksTakeALimitOrALimitWithItsActionAndTheBlockSetsTheDefault() throws {
        let loaded = try load(
            """
            store: {url: "postgres://u@h/d"}
            pipelines:
              - name: plain
                source: {type: csv, path: a.csv}
              - name: checked
                source: {type: csv, path: a.csv}
                checks:
                  max_quarantined: 5%
                  min_records: 100
                  max_count_change: 50%
                  max_price_change: {limit: 900%, on_fail: fail}
                  freshness: 30m
              - name: strict
                source: {type: csv, path: a.csv}
                checks: {on_fail: fail, min_records: 1, max_quarantined: {limit: 0.1, on_fail: warn}}
            """)
        let (plain, checked, strict) = (loaded.pipelines[0].checks, loaded.pipelines[1].checks, loaded.pipelines[2].checks)
        #expect(plain == RunChecks())
        #expect(plain.maxQuarantined == CheckLimit(0.5, onFail: .fail))
        // max_quarantined keeps failing its run unless told otherwise; the new checks warn.
        #expect(checked.maxQuarantined == CheckLimit(0.05, onFail: .fail))
        #expect(checked.minRecords == CheckLimit(100, onFail: .warn))
        #expect(checked.maxCountChange == CheckLimit(0.5, onFail: .warn))
        #expect(checked.maxPriceChange == CheckLimit(9, onFail: .fail))
        #expect(checked.freshness == CheckLimit(.seconds(1800), onFail: .warn))
        #expect(strict.minRecords == CheckLimit(1, onFail: .fail))
        #expect(strict.maxQuarantined == CheckLimit(0.1, onFail: .warn))
    }

    @Test func mistakesInChecksNameTheKeyAndPosition() {
        let problems = diagnostics(
            """
            store: {url: "postgres://u@h/d"}
            pipelines:
              - name: a
                source: {type: csv, path: a.csv}
                checks: {max_price_change: -5%, freshnes: 30m, on_fail: explode, min_records: {limit: 5, when: now}}
              - name: b
                source: {type: csv, path: a.csv}
                checks: {freshness: 500ms, min_records: -1}
            """)
        #expect(
            problems.contains { $0.hasPrefix("pipelines.yaml:5:32: pipelines[0].checks.max_price_change: expected a percentage of at least 0%") },
            "\(problems)")
        #expect(problems.contains { $0.contains("unknown key \"freshnes\"") && $0.contains("freshness") })
        #expect(problems.contains { $0.contains("on_fail must be warn or fail, got \"explode\"") })
        #expect(problems.contains { $0.contains("unknown key \"when\"") })
        #expect(
            problems.contains { $0.hasPrefix("pipelines.yaml:8:25: pipelines[1].checks.freshness: freshness must be at least 1s") }, "\(problems)")
        #expect(problems.contains { $0.hasPrefix("pipelines.yaml:8:45: pipelines[1].checks.min_records: min_records must be at least 0") })
    }

    @Test func notifyReadsItsSecretsFromTheEnvironmentAndRedactsThem() throws {
        let loaded = try load(
            """
            store: {url: "postgres://u@h/d"}
            notify:
              webhook: "https://hooks.example.com/services/${HOOK_PATH}"
              headers: {Authorization: "Bearer ${HOOK_TOKEN}", X-Team: data}
              on: [failed, recovered]
              timeout: 2s
              retries: 5
            pipelines: [{name: a, source: {type: csv, path: a.csv}}]
            """, environment: ["HOOK_TOKEN": "tok-123456", "HOOK_PATH": "T000/B000/XXXX"])
        let notify = try #require(loaded.notify)
        #expect(notify.webhook.absoluteString == "https://hooks.example.com/services/T000/B000/XXXX")
        #expect(notify.headers.map(\.name) == ["Authorization", "X-Team"] && notify.headers[0].value == "Bearer tok-123456")
        #expect(notify.events == [.failed, .recovered] && notify.timeout == .seconds(2) && notify.retries == 5)
        #expect(notify.safeDescription == "https://hooks.example.com/…")
        #expect(!loaded.redaction.redact("sent Bearer tok-123456 to \(notify.webhook)").contains("tok-123456"))
        #expect(!loaded.redaction.redact("posting to \(notify.webhook.absoluteString)").contains("XXXX"))
        #expect(try load("store: {url: \"postgres://u@h/d\"}\npipelines: [{name: a, source: {type: csv, path: a.csv}}]").notify == nil)
    }

    @Test func mistakesInNotifyNameTheKeyAndPosition() {
        let problems = diagnostics(
            """
            store: {url: "postgres://u@h/d"}
            notify:
              webhook: "ftp://example.com/x"
              headers: {"Bad Name": x}
              on: [failed, exploded]
              retries: 50
              extra: 1
            pipelines: [{name: a, source: {type: csv, path: a.csv}}]
            """)
        #expect(problems.contains { $0.hasPrefix("pipelines.yaml:3:12: notify.webhook: webhook must be an http:// or https:// URL") }, "\(problems)")
        #expect(problems.contains { $0.contains("\"Bad Name\" is not a valid header name") })
        #expect(problems.contains { $0.contains("unknown event \"exploded\"; notify.on takes failed, check_failed, recovered") })
        #expect(problems.contains { $0.contains("unknown key \"extra\"") })
    }
}
