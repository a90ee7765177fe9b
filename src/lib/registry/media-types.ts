/** Manifest and layer media types of the OCI image spec and Docker's schema 2. */
export const MediaType = {
  ociIndex: 'application/vnd.oci.image.index.v1+json',
  ociManifest: 'application/vnd.oci.image.manifest.v1+json',
  dockerList: 'application/vnd.docker.distribution.manifest.list.v2+json',
  dockerManifest: 'application/vnd.docker.distribution.manifest.v2+json',
} as const;

/** Sent with every manifest request: the distribution registry answers 404 for an OCI manifest unless asked for it. */
export const MANIFEST_ACCEPT = [MediaType.ociIndex, MediaType.ociManifest, MediaType.dockerList, MediaType.dockerManifest].join(', ');

export const isIndexType = (t: string | undefined): boolean => t === MediaType.ociIndex || t === MediaType.dockerList;
export const isManifestType = (t: string | undefined): boolean => t === MediaType.ociManifest || t === MediaType.dockerManifest;
