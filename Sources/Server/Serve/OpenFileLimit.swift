#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging

/// The process's limit on open files (`RLIMIT_NOFILE`): every connection takes one descriptor.
enum OpenFileLimit {
    /// Raises the soft limit to the hard limit (logged when it changes) and returns the soft limit
    /// in force afterwards.
    @discardableResult
    static func raise(logger: Logger) -> UInt64 {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        let before = UInt64(limit.rlim_cur)
        guard limit.rlim_cur < limit.rlim_max else { return before }
        var raised = limit
        raised.rlim_cur = limit.rlim_max
        guard setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 else {
            logger.warning("the open-file limit could not be raised", metadata: ["soft": "\(before)", "hard": "\(limit.rlim_max)"])
            return before
        }
        logger.info("open-file limit raised to the hard limit", metadata: ["from": "\(before)", "to": "\(raised.rlim_cur)"])
        return UInt64(raised.rlim_cur)
    }
}
