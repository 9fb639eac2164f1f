import { execFile } from "node:child_process";
import { X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTlsMaterial, type TlsMaterial } from "../../local/entra/tls.js";

const run = promisify(execFile);

describe("createTlsMaterial", () => {
  let dir: string;
  let tls: TlsMaterial;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "tls-test-"));
    tls = await createTlsMaterial(dir);
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("creates a CA and a server certificate for 127.0.0.1 and localhost signed by it", () => {
    const ca = new X509Certificate(tls.caCertPem);
    const leaf = new X509Certificate(tls.certPem);

    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.checkIP("127.0.0.1")).toBe("127.0.0.1");
    expect(leaf.checkHost("localhost")).toBe("localhost");
    expect(leaf.keyUsage).toContain("1.3.6.1.5.5.7.3.1");
    expect(tls.caCertPath).toBe(join(dir, "ca.pem"));
  });

  it("writes the CA to ca.pem and keeps private keys private", async () => {
    expect(await readFile(join(dir, "ca.pem"), "utf8")).toBe(tls.caCertPem);
    expect((await stat(join(dir, "key.pem"))).mode & 0o077).toBe(0);
    expect((await stat(join(dir, "ca-key.pem"))).mode & 0o077).toBe(0);
  });

  it("reuses a valid existing set", async () => {
    const again = await createTlsMaterial(dir);

    expect(again).toEqual(tls);
  });

  it("replaces a set whose files do not belong together", async () => {
    const otherDir = await mkdtemp(join(tmpdir(), "tls-test-other-"));
    try {
      const other = await createTlsMaterial(otherDir);
      await writeFile(join(otherDir, "cert.pem"), tls.certPem);

      const repaired = await createTlsMaterial(otherDir);

      expect(repaired.caCertPem).not.toBe(other.caCertPem);
      expect(
        new X509Certificate(repaired.certPem).verify(new X509Certificate(repaired.caCertPem).publicKey),
      ).toBe(true);
    } finally {
      await rm(otherDir, { recursive: true, force: true });
    }
  });

  it("is trusted by a child process through NODE_EXTRA_CA_CERTS, and only then", async () => {
    const server: Server = createServer({ cert: tls.certPem, key: tls.keyPem }, (_request, response) => {
      response.end("trusted");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}/`;
    const script = `fetch(${JSON.stringify(url)}).then(async (r) => console.log(await r.text()), (e) => { console.log("rejected", e.cause?.code); })`;
    try {
      const trusted = await run(process.execPath, ["-e", script], {
        env: { PATH: process.env.PATH, NODE_EXTRA_CA_CERTS: tls.caCertPath },
        timeout: 15_000,
      });
      const untrusted = await run(process.execPath, ["-e", script], {
        env: { PATH: process.env.PATH },
        timeout: 15_000,
      });

      expect(trusted.stdout.trim()).toBe("trusted");
      expect(untrusted.stdout.trim()).toMatch(/^rejected/);
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
