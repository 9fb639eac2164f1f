/**
 * Entra ID hosts per cloud: the authorizer's own table (lambda-src/authorizer/config.ts), so the local
 * issuer puts the cloud's v1 issuer host in v1 tokens exactly as the authorizer expects it.
 */
import { CLOUD_HOSTS, type Cloud } from "../../lambda-src/authorizer/config.js";

export type EntraCloud = Cloud;
export const ENTRA_CLOUDS = CLOUD_HOSTS;
export const CLOUD_NAMES = Object.keys(CLOUD_HOSTS) as EntraCloud[];
