{
  # native/stream-decode.c: xz and zstd through the system's liblzma and libzstd, built when
  # their headers are there (liblzma-dev, libzstd-dev); src/lib/unpack/native-decoder.ts.
  # native/blake3-tree.c: multi-threaded BLAKE3 for one large file (src/lib/hash/blake3-tree.ts).
  # The compression functions come from the official BLAKE3 C sources that
  # @c4312/blake3-native ships; built with node-gyp at install, optional at run time.
  # native/direct-memory.c: O_DIRECT buffers on transparent huge pages (src/lib/device/aligned-pool.ts).
  "variables": {
    "system_codecs": "<!(sh -c 'test -f /usr/include/lzma.h && test -f /usr/include/zstd.h && echo 1 || echo 0')",
    "b3c": "<!(node -p \"require('path').relative('.', require('path').dirname(require.resolve('@c4312/blake3-native/package.json')))\")/c"
  },
  "conditions": [
    ["system_codecs == 1", {
      "targets": [
        {
          "target_name": "stream_decode",
          "sources": ["native/stream-decode.c"],
          "cflags": ["-O2"],
          "libraries": ["-llzma", "-lzstd"]
        }
      ]
    }]
  ],
  "targets": [
    {
      "target_name": "direct_memory",
      "sources": ["native/direct-memory.c"],
      "cflags": ["-O2"]
    },
    {
      "target_name": "blake3_tree",
      "sources": [
        "native/blake3-tree.c",
        "<(b3c)/blake3_dispatch.c",
        "<(b3c)/blake3_portable.c",
        "<!@(node -p \"require('fs').readdirSync('<(b3c)').filter(f => f.endsWith('_x86-64_unix.S')).map(f => '<(b3c)/' + f).join(' ')\")"
      ],
      "include_dirs": ["<(b3c)"],
      "cflags": ["-O3"],
      "conditions": [
        ["target_arch != 'x64'", { "defines": ["BLAKE3_NO_SSE2", "BLAKE3_NO_SSE41", "BLAKE3_NO_AVX2", "BLAKE3_NO_AVX512"] }]
      ]
    }
  ]
}
