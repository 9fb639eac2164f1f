output "api_endpoint" {
  description = "Base URL of the HTTP API."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "items_url" {
  description = "URL of GET /items, which requires the api.read scope (a delegated, user token)."
  value       = "${aws_apigatewayv2_api.this.api_endpoint}/items"
}

output "reports_url" {
  description = "URL of GET /reports, which requires the Reports.Read.All app role (e.g. a client credentials token)."
  value       = "${aws_apigatewayv2_api.this.api_endpoint}/reports"
}

output "authorizer_function_name" {
  description = "Name of the authorizer function; its decisions are logged in /aws/lambda/<name>."
  value       = module.entra_authorizer.function_name
}
