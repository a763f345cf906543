import Foundation

/// Where a pipeline stopped: an opaque, source-typed state that the source alone interprets.
///
/// The sink saves it in the same transaction as the batch it follows, so it never runs ahead of the data.
public struct Checkpoint: Sendable, Hashable {
    /// The source type that wrote it (`csv`); a checkpoint of another kind is ignored.
    public var kind: String
    /// JSON encoding of the source's own state type.
    public var state: String

    public init(kind: String, state: String) {
        self.kind = kind
        self.state = state
    }

    /// Encodes a source's state value.
    public init<State: Encodable>(kind: String, encoding value: State) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        self.init(kind: kind, state: String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// Decodes the state as `State`; `nil` when the kind differs or the state no longer decodes.
    public func decode<State: Decodable>(_ type: State.Type, kind expected: String) -> State? {
        guard kind == expected else { return nil }
        return try? JSONDecoder().decode(State.self, from: Data(state.utf8))
    }
}
