import Dispatch

/// Where sources read: threads of their own, not Swift's cooperative pool.
///
/// A source may block its thread (a file read is a blocking system call, and one on a stalled
/// network file system or a pipe blocks for good). On the cooperative pool, which has one thread
/// per core, a blocked read would take a core's worth of the whole process's async work with it,
/// and a stop could not even run the code that abandons the read. The queue behind this executor
/// starts another thread when its threads are busy, so a blocked read costs one thread, nothing else.
public final class SourceReadExecutor: TaskExecutor, Sendable {
    public static let shared = SourceReadExecutor()

    private let queue = DispatchQueue(label: "etl.source-reads", attributes: .concurrent)

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        queue.async { job.runSynchronously(on: executor) }
    }
}
