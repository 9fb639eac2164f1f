output "api_endpoint" {
  description = "Base URL of the HTTP API."
  value       = module.entra_api.api_endpoint
}

output "auth_url" {
  description = "URL of the protected GET /auth route: call it with Authorization: Bearer <access token>."
  value       = module.entra_api.route_urls["GET /auth"]
}

output "authorizer_function_name" {
  description = "Name of the authorizer function; its decisions are logged in /aws/lambda/<name>."
  value       = module.entra_api.authorizer_function_name
}

output "access_log_group_name" {
  description = "Log group of the API's access logs, with the authorizer's status and error per request."
  value       = module.entra_api.access_log_group_name
}
