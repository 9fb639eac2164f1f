output "graphql_url" {
  description = "URL of the GraphQL endpoint: POST a query with Authorization: <access token> (bare or Bearer)."
  value       = aws_appsync_graphql_api.this.uris["GRAPHQL"]
}

output "authorizer_function_name" {
  description = "Name of the authorizer function; its refusals are logged in /aws/lambda/<name>."
  value       = module.entra_authorizer.function_name
}
