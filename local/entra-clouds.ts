/**
 * Entra ID hosts per cloud, as contract section 6 lists them (the authorizer owns the table; this
 * copy lets the local issuer put the cloud's v1 issuer host in v1 tokens, as Entra does).
 */
export type EntraCloud = "public" | "usgov" | "china";

export interface EntraCloudHosts {
  /** Where tokens and keys come from; v2 tokens name it in `iss`. */
  authorityHost: string;
  /** The security token service named in v1 tokens' `iss` (`https://<host>/<tid>/`). */
  v1IssuerHost: string;
}

export const ENTRA_CLOUDS: Readonly<Record<EntraCloud, Readonly<EntraCloudHosts>>> = Object.freeze({
  public: Object.freeze({ authorityHost: "login.microsoftonline.com", v1IssuerHost: "sts.windows.net" }),
  usgov: Object.freeze({ authorityHost: "login.microsoftonline.us", v1IssuerHost: "sts.windows.net" }),
  china: Object.freeze({ authorityHost: "login.chinacloudapi.cn", v1IssuerHost: "sts.chinacloudapi.cn" }),
});

export const CLOUD_NAMES = Object.keys(ENTRA_CLOUDS) as EntraCloud[];
