/**
 * The GraphQL schema of examples/appsync (schema.graphql), answered with canned data as that example's
 * resolvers answer: a NONE data source, nothing stored.
 */
import { randomUUID } from "node:crypto";
import { buildSchema, type GraphQLSchema } from "graphql";

export const APPSYNC_SCHEMA_SDL = `
type Task {
  id: ID!
  title: String!
}

type Query {
  tasks: [Task!]!
}

type Mutation {
  createTask(title: String!): Task!
  deleteTask(id: ID!): ID!
}

schema {
  query: Query
  mutation: Mutation
}
`;

export function appSyncSchema(): GraphQLSchema {
  return buildSchema(APPSYNC_SCHEMA_SDL);
}

/** Root values: graphql-js's default resolver calls these with the field's arguments. */
export const APPSYNC_ROOT_VALUES: Readonly<Record<"Query" | "Mutation", Record<string, unknown>>> = {
  Query: { tasks: () => [{ id: "1", title: "Read the security model" }] },
  Mutation: {
    createTask: ({ title }: { title: string }) => ({ id: randomUUID(), title }),
    deleteTask: ({ id }: { id: string }) => id,
  },
};
