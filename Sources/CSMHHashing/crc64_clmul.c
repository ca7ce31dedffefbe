// CRC-64/XZ by carry-less multiplication (Intel, "Fast CRC Computation for Generic Polynomials Using PCLMULQDQ",
// 2009), in the bit-reflected form: a 128-bit block B = H·x^64 + L, where the low quadword H holds the higher
// degrees, moved D bits further along the message is H·(x^(D+64) mod P) + L·(x^D mod P). A carry-less product of
// two reflected values comes out one bit short, so each constant is x^(n-1) mod P, bit-reversed (see CRC64.swift for
// how they were computed). The last 128 bits are left to the caller's table: no Barrett reduction needed.
#include "crc64_clmul.h"

static const uint64_t constants[4] = {
    0xdabe95afc7875f40ULL, 0xe05dd497ca393ae4ULL, 0x081f6054a7842df4ULL, 0x6ae3efbb9dd441f3ULL,
};

void smh_crc64_clmul_constants(uint64_t out[4]) {
    for (int i = 0; i < 4; i++) out[i] = constants[i];
}

#if defined(__x86_64__)
#include <cpuid.h>
#include <immintrin.h>

int smh_crc64_clmul_available(void) {
    unsigned int eax, ebx, ecx, edx;
    if (!__get_cpuid(1, &eax, &ebx, &ecx, &edx)) return 0;
    return (ecx & bit_PCLMUL) != 0 && (ecx & bit_SSE4_1) != 0;
}

#define FOLD(x, k) _mm_xor_si128(_mm_clmulepi64_si128((x), (k), 0x00), _mm_clmulepi64_si128((x), (k), 0x11))
#define LOAD(p) _mm_loadu_si128((const __m128i *)(const void *)(p))

__attribute__((target("pclmul,sse4.1")))
size_t smh_crc64_clmul_fold(uint64_t state, const uint8_t *bytes, size_t count, uint8_t remainder[16]) {
    // Low quadword: x^(D+63) mod P; high: x^(D-1) mod P; for D = 128 (one lane) and D = 512 (four lanes).
    const __m128i k128 = _mm_set_epi64x((long long)constants[0], (long long)constants[1]);
    const __m128i k512 = _mm_set_epi64x((long long)constants[2], (long long)constants[3]);
    const uint8_t *p = bytes;
    size_t left = count;
    // The running register enters as the first eight message bytes' XOR, as in the byte-wise algorithm.
    __m128i x = _mm_xor_si128(LOAD(p), _mm_set_epi64x(0, (long long)state));
    p += 16;
    left -= 16;
    if (left >= 48) {
        // Four independent lanes hide the multiplier's latency; they are merged one block apart at the end.
        __m128i x1 = LOAD(p), x2 = LOAD(p + 16), x3 = LOAD(p + 32);
        p += 48;
        left -= 48;
        while (left >= 64) {
            x = _mm_xor_si128(FOLD(x, k512), LOAD(p));
            x1 = _mm_xor_si128(FOLD(x1, k512), LOAD(p + 16));
            x2 = _mm_xor_si128(FOLD(x2, k512), LOAD(p + 32));
            x3 = _mm_xor_si128(FOLD(x3, k512), LOAD(p + 48));
            p += 64;
            left -= 64;
        }
        x = _mm_xor_si128(FOLD(x, k128), x1);
        x = _mm_xor_si128(FOLD(x, k128), x2);
        x = _mm_xor_si128(FOLD(x, k128), x3);
    }
    while (left >= 16) {
        x = _mm_xor_si128(FOLD(x, k128), LOAD(p));
        p += 16;
        left -= 16;
    }
    _mm_storeu_si128((__m128i *)(void *)remainder, x);
    return count - left;
}

#else

int smh_crc64_clmul_available(void) { return 0; }

size_t smh_crc64_clmul_fold(uint64_t state, const uint8_t *bytes, size_t count, uint8_t remainder[16]) {
    (void)state; (void)bytes; (void)count; (void)remainder;
    return 0;
}

#endif
