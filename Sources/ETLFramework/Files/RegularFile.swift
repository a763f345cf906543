#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A regular file opened for reading, with its size and modification time as of opening.
///
/// Anything else is refused before a byte is read, with a reason in plain words: a FIFO or a socket
/// would block a read forever, a character device such as `/dev/zero` never ends, a directory has no
/// bytes. The file is opened without blocking (a FIFO swapped in after a check cannot hold the open
/// either) and its type is checked on the open descriptor itself.
public struct RegularFile: Sendable {
    public let handle: FileHandle
    public let size: Int64
    public let modified: Date

    /// Opens `path`; `displayPath` names it in errors (the path as the configuration wrote it).
    public init(opening path: String, displayPath: String? = nil) throws(FileOpenError) {
        let name = displayPath ?? path
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard descriptor >= 0 else { throw FileOpenError(path: name, reason: "cannot open the file (\(Self.reason(errno)))") }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            let reason = "cannot open the file (\(Self.reason(errno)))"
            close(descriptor)
            throw FileOpenError(path: name, reason: reason)
        }
        if let kind = Self.notRegular(info.st_mode) {
            close(descriptor)
            throw FileOpenError(path: name, reason: "it is \(kind), not a regular file; only regular files are read")
        }
        // Reads of a regular file block as usual.
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        handle = FileHandle(fileDescriptor: descriptor, closeOnDealloc: true)
        size = Int64(info.st_size)
        #if canImport(Darwin)
        let time = info.st_mtimespec
        #else
        let time = info.st_mtim
        #endif
        modified = Date(timeIntervalSince1970: Double(time.tv_sec) + Double(time.tv_nsec) / 1e9)
    }

    /// The whole file (for files read at once, such as a configuration or a saved page).
    public static func contents(of path: String, displayPath: String? = nil) throws(FileOpenError) -> Data {
        let file = try RegularFile(opening: path, displayPath: displayPath)
        defer { try? file.handle.close() }
        do {
            return try file.handle.readToEnd() ?? Data()
        } catch {
            throw FileOpenError(path: displayPath ?? path, reason: "cannot read the file (\(describe(error)))")
        }
    }

    /// What a file of mode `mode` is, in words, when it is not a regular file.
    static func notRegular(_ mode: mode_t) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "a directory"
        case S_IFIFO: "a FIFO (named pipe)"
        case S_IFCHR: "a character device"
        case S_IFBLK: "a block device"
        case S_IFSOCK: "a socket"
        default: "not a regular file"
        }
    }

    /// The system's words for an `errno` value ("No such file or directory").
    static func reason(_ code: Int32) -> String {
        String(cString: strerror(code))
    }

    /// A Foundation or POSIX error in plain words (never an `NSCocoaErrorDomain` dump).
    public static func describe(_ error: any Error) -> String {
        let nsError = error as NSError
        if nsError.domain == NSPOSIXErrorDomain { return reason(Int32(nsError.code)) }
        if let underlying = nsError.userInfo[NSUnderlyingErrorKey] as? NSError, underlying.domain == NSPOSIXErrorDomain {
            return reason(Int32(underlying.code))
        }
        if let posix = error as? POSIXError { return reason(posix.code.rawValue) }
        return "\(nsError.domain) error \(nsError.code)"
    }
}

/// A file that could not be opened or read, with the reason in plain words.
public struct FileOpenError: Error, Sendable, CustomStringConvertible {
    /// The file, as the configuration named it.
    public var path: String
    public var reason: String

    public var description: String { "\(path): \(reason)" }
}
