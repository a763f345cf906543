import Crypto
import Foundation

/// One payload exactly as a source delivered it, before any interpretation.
///
/// The sink stores every distinct version of a payload once, keyed by its ``contentHash``.
public struct RawRecord: Sendable {
    /// The delivered fields: a JSON object for APIs, header -> cell for CSV rows.
    public var payload: RawValue
    /// Where the record came from, kept for quarantine reasons and the raw table.
    public var location: RecordLocation
    /// When the source vouches the payload was current (file modification time, response time);
    /// the observation time of a record that carries none.
    public var receivedAt: Date
    /// Canonical JSON text of ``payload``.
    public let payloadText: String
    /// SHA-256 of ``payloadText``, truncated to 16 bytes: identifies this payload version.
    public let contentHash: [UInt8]

    public init(payload: RawValue, location: RecordLocation, receivedAt: Date) {
        self.payload = payload
        self.location = location
        self.receivedAt = receivedAt
        var text = payload.jsonText
        self.payloadText = text
        self.contentHash = text.withUTF8 { Array(SHA256.hash(data: UnsafeRawBufferPointer($0)).prefix(16)) }
    }
}
