// SPDX-License-Identifier: Apache-2.0
// The second, official client: Microsoft's @azure/storage-blob, used by
// tests/suites/azure.sh to check what driftmon wrote (and to make the
// 12,000-blob listing fixture and a SAS token).
//
//   node check.mjs list CONNSTR CONTAINER [PREFIX]   names, sorted, one a line
//   node check.mjs get CONNSTR CONTAINER NAME        content on stdout
//   node check.mjs type CONNSTR CONTAINER NAME       Content-Type
//   node check.mjs fill CONNSTR CONTAINER PREFIX N   N small blobs, in parallel
//   node check.mjs sas CONNSTR CONTAINER PERMS       a container SAS query
import {
  BlobServiceClient,
  ContainerSASPermissions,
  StorageSharedKeyCredential,
  generateBlobSASQueryParameters,
} from "@azure/storage-blob";

const [cmd, conn, container, ...rest] = process.argv.slice(2);
if (!cmd || !conn || !container) {
  console.error("usage: node check.mjs CMD CONNSTR CONTAINER ...");
  process.exit(2);
}
const service = BlobServiceClient.fromConnectionString(conn);
const cc = service.getContainerClient(container);

async function main() {
  switch (cmd) {
    case "list": {
      const names = [];
      for await (const b of cc.listBlobsFlat({ prefix: rest[0] || undefined })) names.push(b.name);
      // byte order, as driftmon sorts
      names.sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
      process.stdout.write(names.map((n) => n + "\n").join(""));
      break;
    }
    case "get": {
      const buf = await cc.getBlobClient(rest[0]).downloadToBuffer();
      process.stdout.write(buf);
      break;
    }
    case "type": {
      const p = await cc.getBlobClient(rest[0]).getProperties();
      console.log(p.contentType);
      break;
    }
    case "fill": {
      const [prefix, nStr] = rest;
      const n = Number(nStr);
      await cc.createIfNotExists();
      let next = 0;
      const worker = async () => {
        for (;;) {
          const i = next++;
          if (i >= n) return;
          const name = `${prefix}${String(i).padStart(6, "0")}.csv`;
          await cc.getBlockBlobClient(name).upload("x\n", 2);
        }
      };
      await Promise.all(Array.from({ length: 48 }, worker));
      console.log(`filled ${n}`);
      break;
    }
    case "sas": {
      const m = /AccountName=([^;]+);AccountKey=([^;]+)/.exec(conn);
      const cred = new StorageSharedKeyCredential(m[1], m[2]);
      const q = generateBlobSASQueryParameters(
        {
          containerName: container,
          permissions: ContainerSASPermissions.parse(rest[0]),
          startsOn: new Date(Date.now() - 5 * 60 * 1000),
          expiresOn: new Date(Date.now() + 60 * 60 * 1000),
        },
        cred,
      );
      console.log(q.toString());
      break;
    }
    default:
      console.error(`unknown command ${cmd}`);
      process.exit(2);
  }
}

main().catch((e) => {
  console.error(`check.mjs ${cmd}: ${e.message}`);
  process.exit(1);
});
