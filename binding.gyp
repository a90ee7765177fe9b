{
  # native/blake3-tree.c: multi-threaded BLAKE3 for one large file (src/lib/hash/blake3-tree.ts).
  # The compression functions come from the official BLAKE3 C sources that
  # @c4312/blake3-native ships; built with node-gyp at install, optional at run time.
  "variables": { "b3c": "<!(node -p \"require('path').relative('.', require('path').dirname(require.resolve('@c4312/blake3-native/package.json')))\")/c" },
  "targets": [
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
