/**
 * The GraphQL schema of examples/appsync (schema.graphql), answered with canned data as that example's
 * resolvers answer: a NONE data source, nothing stored.
 */
import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { buildSchema, type GraphQLSchema } from "graphql";

// The example's own file, so the local endpoint and the deployed API cannot drift apart.
const SCHEMA_FILE = path.resolve(import.meta.dirname, "..", "..", "examples", "appsync", "schema.graphql");

export function appSyncSchema(): GraphQLSchema {
  return buildSchema(readFileSync(SCHEMA_FILE, "utf8"));
}

/** Root values: graphql-js's default resolver calls these with the field's arguments. */
export const APPSYNC_ROOT_VALUES: Readonly<Record<"Query" | "Mutation", Record<string, unknown>>> = {
  Query: { tasks: () => [{ id: "1", title: "Read the security model" }] },
  Mutation: {
    createTask: ({ title }: { title: string }) => ({ id: randomUUID(), title }),
    deleteTask: ({ id }: { id: string }) => id,
  },
};
