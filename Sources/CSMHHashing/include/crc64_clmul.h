#ifndef SMH_CRC64_CLMUL_H
#define SMH_CRC64_CLMUL_H

#include <stddef.h>
#include <stdint.h>

/// 1 when this CPU has carry-less multiplication (x86-64 PCLMULQDQ), else 0.
int smh_crc64_clmul_available(void);

/// Folds the whole 16-byte blocks of `bytes` (at least 16) into one 128-bit remainder for CRC-64/XZ, starting from
/// the raw register `state`. The remainder, written to `remainder`, leaves the same register as the folded bytes when
/// it is run through the table-driven CRC from a zero register. Returns how many bytes were folded (a multiple of 16).
size_t smh_crc64_clmul_fold(uint64_t state, const uint8_t *bytes, size_t count, uint8_t remainder[16]);

/// The folding constants in use: x^n mod P, bit-reversed, for n = 127, 191, 511, 575 (for the tests to recompute).
void smh_crc64_clmul_constants(uint64_t out[4]);

#endif
