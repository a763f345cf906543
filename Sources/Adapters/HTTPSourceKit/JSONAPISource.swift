import ETLFramework
import Foundation
import Logging

/// A source that GETs JSON pages over HTTP and hands out one raw record per array element. Every
/// API adapter is one of these with its own endpoint, field mapping and identity fields.
///
/// Every run hands out every record; what is unchanged is skipped after the transforms, by the
/// store, which compares each observation with the stored one. Pages are all fetched before any
/// record is handed out, so a failed fetch leaves the checkpoint where it was. The checkpoint keeps
/// the fields the records had, against which the next run reports schema drift.
public struct JSONAPISource: Source {
    public let type: String
    /// The payload paths the adapter's mapping reads; records missing them are counted as drift.
    public let expectedFields: Set<String>
    public var receiptTimeMeaning: String { "the time of the API's answer" }
    public let endpoint: Endpoint
    /// JSON pointer to the array of records in each page (`""` for a top-level array).
    public let records: String
    /// Dotted path of each record's id (the source asset id).
    public let idPath: String
    /// Keep only the `limit` best-ranked records (by `rankPath`), applied on the client.
    public let limit: Int?
    public let rankPath: String?
    /// The payload fields the adapter knows; others are reported as new (schema drift).
    public let knownFields: Set<String>?
    public let fetcher: HTTPFetcher

    /// Which URL serves page N (1-based), how many pages to read at most, and the page size (a
    /// shorter page is the last).
    public struct Endpoint: Sendable {
        public var url: @Sendable (Int) -> URL
        public var pages: Int
        public var pageSize: Int?

        public init(pages: Int = 1, pageSize: Int? = nil, url: @escaping @Sendable (Int) -> URL) {
            self.url = url
            self.pages = pages
            self.pageSize = pageSize
        }
    }

    public init(
        type: String, expectedFields: Set<String>, endpoint: Endpoint, records: String, idPath: String, limit: Int? = nil,
        rankPath: String? = nil, knownFields: Set<String>? = nil, fetcher: HTTPFetcher
    ) {
        self.type = type
        self.expectedFields = expectedFields
        self.endpoint = endpoint
        self.records = records
        self.idPath = idPath
        self.limit = limit
        self.rankPath = rankPath
        self.knownFields = knownFields
        self.fetcher = fetcher
    }

    public func open(resumingFrom checkpoint: Checkpoint?, logger: Logger) async throws -> any SourceReader {
        let items = try await fetcher.withClient { session in try await fetchAll(session) }
        let previous = checkpoint?.decode(APICheckpointState.self, kind: type)
        return JSONAPIReader(
            source: self, items: selectTop(items), previousFields: previous?.fields)
    }

    /// One element of a page, with where it came from.
    struct Item {
        var value: RawValue
        var location: RecordLocation
        var receivedAt: Date
        var id: String?
    }

    func fetchAll(_ session: HTTPFetcher.Session) async throws -> [Item] {
        var items: [Item] = []
        var ids = Set<String>()
        for page in 1...max(1, endpoint.pages) {
            let url = endpoint.url(page)
            let document = try await session.json(url)
            let count = try collect(
                document.json, from: url, where: "\(url.host ?? "")\(url.path) page \(page)", receivedAt: document.receivedAt,
                into: &items, ids: &ids)
            if let size = endpoint.pageSize, count < size { break }
        }
        return items
    }

    /// Adds the records of one answer to `items` (an id seen before is the same record on two
    /// pages, and left out); returns how many the answer held.
    func collect(
        _ document: RawValue, from url: URL, where place: String, receivedAt: Date, into items: inout [Item], ids: inout Set<String>
    ) throws -> Int {
        guard case .array(let elements) = try Self.pointer(records, in: document, url: url) else {
            throw HTTPFailure(host: url.host ?? "", status: 200, reason: "the records at \"\(records)\" are not an array", attempts: 1)
        }
        for (index, element) in elements.enumerated() {
            let id = element.value(at: idPath)?.scalarText
            if let id, !ids.insert(id).inserted { continue }
            items.append(
                Item(
                    value: element, location: RecordLocation(description: "\(place) item \(index + 1)"), receivedAt: receivedAt, id: id))
        }
        return elements.count
    }

    /// Reads a saved answer (one page) as if the API had just given it.
    public func recorded(at path: String, logger: Logger) async throws -> any SourceReader {
        let url = URL(fileURLWithPath: path)
        let bytes = try [UInt8](RegularFile.contents(of: path))
        let document = try RawJSON.parse(bytes)
        var items: [Item] = []
        var ids = Set<String>()
        _ = try collect(document, from: url, where: (path as NSString).lastPathComponent, receivedAt: Date(), into: &items, ids: &ids)
        return JSONAPIReader(source: self, items: selectTop(items), previousFields: nil)
    }

    func selectTop(_ items: [Item]) -> [Item] {
        guard let limit, let rankPath else { return items }
        func rank(_ item: Item) -> Double { item.value.value(at: rankPath)?.scalarText.flatMap(Double.init) ?? .infinity }
        return Array(items.sorted { rank($0) < rank($1) }.prefix(limit))
    }

    /// Follows a JSON pointer (`/data/items`); `""` is the document itself.
    static func pointer(_ pointer: String, in document: RawValue, url: URL) throws -> RawValue {
        var current = document
        for token in pointer.split(separator: "/", omittingEmptySubsequences: true) {
            let name = token.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
            if case .object(let fields) = current, let next = fields.first(where: { $0.name == name })?.value {
                current = next
            } else if case .array(let elements) = current, let index = Int(name), elements.indices.contains(index) {
                current = elements[index]
            } else {
                throw HTTPFailure(host: url.host ?? "", status: 200, reason: "the answer has nothing at \"\(pointer)\"", attempts: 1)
            }
        }
        return current
    }
}

/// The fields the records had (dotted paths), against which the next run reports schema drift.
struct APICheckpointState: Codable, Sendable {
    var fields: [String]?
}
