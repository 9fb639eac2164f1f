/** Part 2, sizes: what Lambda stores and unpacks for the function and for the layer. */
import { readFile, stat } from "node:fs/promises";
import { unzipSync } from "fflate";

export interface SizeResult {
  handlerBytes: number;
  handlerZipBytes: number;
  layerZipBytes: number;
  layerUnpackedBytes: number;
  layerFiles: number;
}

export async function measureSizes(functionZip: string, layerZip: string): Promise<SizeResult> {
  const handler = unzipSync(new Uint8Array(await readFile(functionZip)));
  const layer = unzipSync(new Uint8Array(await readFile(layerZip)));
  const handlerBytes = handler["index.mjs"]?.length;
  if (handlerBytes === undefined) throw new Error(`${functionZip} has no index.mjs`);
  const layerFiles = Object.entries(layer).filter(([name]) => !name.endsWith("/"));
  return {
    handlerBytes,
    handlerZipBytes: (await stat(functionZip)).size,
    layerZipBytes: (await stat(layerZip)).size,
    layerUnpackedBytes: layerFiles.reduce((sum, [, content]) => sum + content.length, 0),
    layerFiles: layerFiles.length,
  };
}
