#if canImport(Glibc)
    import Glibc
#endif

/// glibc serves every allocation above 128 KiB with a fresh `mmap` (its threshold only adapts after such a block
/// is freed, and per thread arena) and hands free heap tops back to the kernel: a listing page's few hundred KiB of
/// JSON then page-faulted in anew on every request, 11 % of the listing's time in `perf`. Blocks up to 4 MiB now come
/// from the heap, and up to 16 MiB of free heap is kept between requests; bodies stream in far smaller chunks, so the
/// peak memory stays bounded (measured in docs/BENCHMARKS.md).
enum MallocTuning {
    // From <malloc.h>, which Swift's Glibc module does not import.
    private static let trimThreshold: Int32 = -1
    private static let mmapThreshold: Int32 = -3

    static func apply() {
        #if canImport(Glibc)
            typealias Mallopt = @convention(c) (Int32, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "mallopt") else { return }
            let mallopt = unsafeBitCast(symbol, to: Mallopt.self)
            _ = mallopt(mmapThreshold, 4 << 20)
            _ = mallopt(trimThreshold, 16 << 20)
        #endif
    }
}
