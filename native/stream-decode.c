// xz and zstd decoding through the system's liblzma and libzstd, the libraries `xz -dc`
// and `zstd -dc` use (lzma-native bundles liblzma 5.2, which decodes at about half the
// speed, and has no multi-threaded decoder). Each call decodes into a buffer the caller
// owns, so JavaScript keeps backpressure: no more output exists than it asked for.
#include <lzma.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <zstd.h>
#include "napi-args.h"

enum kind { XZ, ZSTD };

typedef struct {
  enum kind kind;
  lzma_stream xz;
  lzma_allocator allocator;
  void *spare;  // a freed large xz buffer, kept for the next one (see xz_alloc)
  ZSTD_DStream *zstd;
  size_t zstd_hint;  // what ZSTD_decompressStream last returned: 0 between frames
  int ended;
} decoder;

// liblzma's large buffers (each block's input and output, its dictionary: megabytes each)
// are mapped from the system and unmapped when freed. Through malloc they stayed in its
// arenas between Node's own buffers and were not given back: 1 GiB of `xz -T0` output
// peaked at 87 MiB of RSS where 76 MiB were live. A worker frees its block's input buffer
// when done and the next block allocates one as large again; one freed mapping is kept
// for it (a fresh one costs a page fault per 4 KiB). A header before each allocation
// holds its size, 64 bytes to keep the alignment malloc gives.
#define LARGE ((size_t)1 << 20)
#define HEADER 64

static void unmap(void *p) {
  if (p != NULL) munmap(p, *(size_t *)p);
}

static void *xz_alloc(void *opaque, size_t nmemb, size_t size) {
  decoder *d = opaque;
  if (size != 0 && nmemb > (SIZE_MAX - HEADER - LARGE) / size) return NULL;
  size_t n = nmemb * size + HEADER;
  char *p;
  if (n < LARGE) {
    p = malloc(n);
  } else {
    n = (n + LARGE - 1) & ~(LARGE - 1);
    p = __atomic_exchange_n((char **)&d->spare, NULL, __ATOMIC_ACQ_REL);
    if (p != NULL && (*(size_t *)p < n || *(size_t *)p > n + n / 4)) {
      unmap(p);
      p = NULL;
    }
    if (p != NULL) n = *(size_t *)p;
    else if ((p = mmap(NULL, n, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)) == MAP_FAILED) p = NULL;
  }
  if (p == NULL) return NULL;
  *(size_t *)p = n;
  return p + HEADER;
}

// Called from liblzma's worker threads too: the spare is swapped atomically.
static void xz_free(void *opaque, void *ptr) {
  decoder *d = opaque;
  if (ptr == NULL) return;
  char *p = (char *)ptr - HEADER;
  if (*(size_t *)p < LARGE) free(p);
  else unmap(__atomic_exchange_n((char **)&d->spare, p, __ATOMIC_ACQ_REL));
}

static const char *xz_message(lzma_ret ret) {
  switch (ret) {
    case LZMA_FORMAT_ERROR: return "not in the .xz format";
    case LZMA_OPTIONS_ERROR: return "unsupported options in the .xz headers";
    case LZMA_DATA_ERROR: return "compressed data is corrupt";
    case LZMA_BUF_ERROR: return "unexpected end of input";
    case LZMA_MEM_ERROR: return "out of memory";
    case LZMA_MEMLIMIT_ERROR: return "memory usage limit reached";
    case LZMA_UNSUPPORTED_CHECK: return "unsupported integrity check";
    default: return "liblzma failed";
  }
}

static void finalize(napi_env env, void *data, void *hint) {
  decoder *d = data;
  if (d->kind == XZ) {
    lzma_end(&d->xz);
    unmap(d->spare);
  } else {
    ZSTD_freeDStream(d->zstd);
  }
  free(d);
}

static int get_u32(napi_env env, napi_value v, uint32_t *out) { return napi_get_value_uint32(env, v, out) == napi_ok; }

// open(kind: 'xz' | 'zstd', threads: number, memlimitMiB: number): a decoder handle.
// xz decodes concatenated streams and the padding between them, as `xz -dc` does, with
// up to `threads` threads for blocks whose headers give their sizes (what `xz -T` writes),
// within memlimitMiB for those threads (fewer threads, or one, when it would not fit).
static napi_value open_decoder(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  char kind[8];
  size_t len;
  uint32_t threads, memlimit_mib;
  if (argc < 3 || napi_get_value_string_utf8(env, argv[0], kind, sizeof kind, &len) != napi_ok ||
      !get_u32(env, argv[1], &threads) || !get_u32(env, argv[2], &memlimit_mib))
    return throw_error(env, "ERR_INVALID_ARG", "open(kind, threads, memlimitMiB)");
  decoder *d = calloc(1, sizeof *d);
  if (d == NULL) return throw_error(env, "ENOMEM", "out of memory");
  if (strcmp(kind, "zstd") == 0) {
    d->kind = ZSTD;
    d->zstd = ZSTD_createDStream();
    if (d->zstd == NULL || ZSTD_isError(ZSTD_initDStream(d->zstd))) {
      free(d);
      return throw_error(env, "ENOMEM", "cannot start a zstd decoder");
    }
  } else {
    d->kind = XZ;
    d->xz = (lzma_stream)LZMA_STREAM_INIT;
    d->allocator = (lzma_allocator){xz_alloc, xz_free, d};
    d->xz.allocator = &d->allocator;
#if LZMA_VERSION >= 50040000
    lzma_mt mt = {0};
    mt.flags = LZMA_CONCATENATED;
    mt.threads = threads < 1 ? 1 : threads;
    mt.memlimit_threading = (uint64_t)memlimit_mib << 20;
    mt.memlimit_stop = UINT64_MAX;
    lzma_ret ret = lzma_stream_decoder_mt(&d->xz, &mt);
#else
    lzma_ret ret = lzma_stream_decoder(&d->xz, UINT64_MAX, LZMA_CONCATENATED);
#endif
    if (ret != LZMA_OK) {
      free(d);
      return throw_error(env, "ENOMEM", xz_message(ret));
    }
  }
  napi_value handle;
  napi_create_external(env, d, finalize, NULL, &handle);
  return handle;
}

// code(handle, input, output, finish): [input bytes used, output bytes written, ended,
// error]. `finish` says no input follows `input`; input that ends inside a stream or
// frame is then the error "unexpected end of input". `error` is the library's reason, or
// null; what was written before it in the same call is good output and is counted.
static napi_value code(napi_env env, napi_callback_info info) {
  size_t argc = 4;
  napi_value argv[4];
  napi_get_cb_info(env, info, &argc, argv, NULL, NULL);
  decoder *d;
  uint8_t *in, *out;
  size_t in_len, out_len;
  bool finish;
  if (argc < 4 || napi_get_value_external(env, argv[0], (void **)&d) != napi_ok || !bytes_arg(env, argv[1], &in, &in_len) ||
      !bytes_arg(env, argv[2], &out, &out_len) || napi_get_value_bool(env, argv[3], &finish) != napi_ok)
    return throw_error(env, "ERR_INVALID_ARG", "code(handle, input, output, finish)");
  size_t used = 0, written = 0;
  const char *error = NULL;
  if (d->ended) {
    // Only xz ends (after the last stream, when told to finish); nothing may follow.
    if (in_len > 0) error = "data after the end of the input";
  } else if (d->kind == XZ) {
    d->xz.next_in = in;
    d->xz.avail_in = in_len;
    d->xz.next_out = out;
    d->xz.avail_out = out_len;
    lzma_ret ret = lzma_code(&d->xz, finish ? LZMA_FINISH : LZMA_RUN);
    used = in_len - d->xz.avail_in;
    written = out_len - d->xz.avail_out;
    if (ret == LZMA_STREAM_END) d->ended = 1;
    else if (ret != LZMA_OK) error = xz_message(ret);
  } else {
    ZSTD_inBuffer src = {in, in_len, 0};
    ZSTD_outBuffer dst = {out, out_len, 0};
    if (in_len > 0 || d->zstd_hint != 0 || finish) {
      size_t hint = ZSTD_decompressStream(d->zstd, &dst, &src);
      if (ZSTD_isError(hint)) error = ZSTD_getErrorName(hint);
      // A call that did nothing reports the next frame's header size: not "mid-frame".
      else if (src.pos > 0 || dst.pos > 0) d->zstd_hint = hint;
    }
    used = src.pos;
    written = dst.pos;
    if (error == NULL && finish && used == in_len && written < out_len) {
      if (d->zstd_hint != 0) error = "unexpected end of input";
      else d->ended = 1;
    }
  }
  napi_value result, v;
  napi_create_array_with_length(env, 4, &result);
  napi_create_double(env, (double)used, &v);
  napi_set_element(env, result, 0, v);
  napi_create_double(env, (double)written, &v);
  napi_set_element(env, result, 1, v);
  napi_get_boolean(env, d->ended, &v);
  napi_set_element(env, result, 2, v);
  if (error == NULL) napi_get_null(env, &v);
  else napi_create_string_utf8(env, error, NAPI_AUTO_LENGTH, &v);
  napi_set_element(env, result, 3, v);
  return result;
}

NAPI_MODULE_INIT() {
  napi_property_descriptor props[] = {
      {"open", NULL, open_decoder, NULL, NULL, NULL, napi_default, NULL},
      {"code", NULL, code, NULL, NULL, NULL, napi_default, NULL},
  };
  napi_define_properties(env, exports, 2, props);
  return exports;
}
