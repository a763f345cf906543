/// Whether `condition` holds within `seconds`, asked every 100 ms (and once more at the end).
package func eventually(_ seconds: Double = 10, _ condition: () async throws -> Bool) async throws -> Bool {
    let end = ContinuousClock.now + .milliseconds(Int(seconds * 1000))
    while ContinuousClock.now < end {
        if try await condition() { return true }
        try await Task.sleep(for: .milliseconds(100))
    }
    return try await condition()
}
