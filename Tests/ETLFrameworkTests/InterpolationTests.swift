import ETLFramework
import Testing

@Suite struct InterpolationTests {
    let interpolation = Interpolation(environment: ["HOST": "db", "EMPTY": "", "PORT": "5432"])

    func expand(_ text: String) -> String? {
        try? interpolation.expand(text).get().text
    }

    @Test func substitutesVariablesAndDefaults() {
        #expect(expand("postgres://${HOST}:${PORT}/x") == "postgres://db:5432/x")
        #expect(expand("${MISSING:-fallback}") == "fallback")
        #expect(expand("${EMPTY:-fallback}") == "fallback")
        #expect(expand("${MISSING:-}") == "")
        #expect(expand("no variables") == "no variables")
        #expect(expand("${MISSING:-${HOST:-x}}") == "db")
        #expect(expand("${MISSING:-${ALSO_MISSING:-}}") == "")
        #expect(expand("${PORT:-${HOST}}/a") == "5432/a")
    }

    @Test func doubledDollarIsALiteralDollar() {
        #expect(expand("cost $$5 and $${HOST}") == "cost $5 and ${HOST}")
        #expect(expand("a lone $ stays") == "a lone $ stays")
    }

    @Test func missingVariableAndMalformedReferencesFail() {
        guard case .failure(let missing) = interpolation.expand("x ${NOPE}") else {
            Issue.record("expected a failure")
            return
        }
        #expect(missing.message.contains("NOPE is not set"))
        #expect(missing.offset == 2)
        guard case .failure(let open) = interpolation.expand("${HOST") else {
            Issue.record("expected a failure")
            return
        }
        #expect(open.message.contains("unterminated"))
        guard case .failure(let invalid) = interpolation.expand("${1ABC}") else {
            Issue.record("expected a failure")
            return
        }
        #expect(invalid.message.contains("invalid variable name"))
    }

    @Test func secretNamesAreRecognized() {
        #expect(Interpolation.isSecretName("SCHEDULER_TOKEN"))
        #expect(Interpolation.isSecretName("COINGECKO_API_KEY"))
        #expect(Interpolation.isSecretName("DATABASE_URL"))
        #expect(!Interpolation.isSecretName("CSV_PATH"))
    }
}

@Suite struct RedactionTests {
    @Test func passwordsInURLsAreRedacted() {
        #expect(
            Redaction.redactURLPasswords("connect postgres://etl:s3cr3t@127.0.0.1:5432/etl failed")
                == "connect postgres://etl:<redacted>@127.0.0.1:5432/etl failed")
        #expect(Redaction.redactURLPasswords("https://example.org/path") == "https://example.org/path")
        #expect(Redaction.redactURLPasswords("postgres://user@host/db") == "postgres://user@host/db")
    }

    @Test func knownSecretsAreRedactedAnywhere() {
        let redaction = Redaction(secrets: ["tok-123456"])
        #expect(redaction.redact("header X-Token: tok-123456") == "header X-Token: <redacted>")
    }
}
