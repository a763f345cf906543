import Dispatch

/// Where sources read: threads of their own, not Swift's cooperative pool.
///
/// A source may block its thread (a file read is a blocking system call, and one on a stalled
/// network file system or a pipe blocks for good). On the cooperative pool, which has one thread
/// per core, a blocked read would take a core's worth of the whole process's async work with it,
/// and a stop could not even run the code that abandons the read.
///
/// Each job goes to a serial queue of its own: Dispatch gives serial queues an "overcommit" thread
/// (one is started at once when every pooled thread is busy), so any number of blocked reads cost a
/// thread each and nothing else. One concurrent queue held a job behind blocked ones for seconds:
/// a one-row load behind six blocked reads took 5.0 s there, 0.6 s with a queue per job
/// (`BlockedSourceTests.blockedReadsDoNotStarveOtherSources`).
public final class SourceReadExecutor: TaskExecutor, Sendable {
    public static let shared = SourceReadExecutor()

    public func enqueue(_ job: consuming ExecutorJob) {
        let job = UnownedJob(job)
        let executor = asUnownedTaskExecutor()
        DispatchQueue(label: "etl.source-read").async { job.runSynchronously(on: executor) }
    }
}
