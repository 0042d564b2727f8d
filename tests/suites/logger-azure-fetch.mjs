// SPDX-License-Identifier: Apache-2.0
//
// Helper of tests/suites/logger.sh: downloads every blob under a prefix
// of an Azure container (azurite) into a local folder, with Microsoft's
// @azure/storage-blob from tests/azure (an independent client).
//
//   node tests/suites/logger-azure-fetch.mjs AZURE_DIR CONNSTR CONTAINER PREFIX DEST
import { createRequire } from 'node:module';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [, , azdir, conn, container, prefix, dest] = process.argv;
const require = createRequire(`${azdir}/package.json`);
const { BlobServiceClient } = await import(pathToFileURL(require.resolve('@azure/storage-blob')).href);
const cc = BlobServiceClient.fromConnectionString(conn).getContainerClient(container);
let n = 0;
for await (const b of cc.listBlobsFlat({ prefix })) {
  const file = path.join(dest, b.name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, await cc.getBlobClient(b.name).downloadToBuffer());
  n++;
}
console.log(`fetched ${n} blobs`);
