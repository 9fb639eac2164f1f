################################################################################
# Authorizer
################################################################################

output "authorizer_id" {
  description = "ID of the API Gateway authorizer."
  value       = module.entra_authorizer.authorizer_id
}

output "authorizer_function_name" {
  description = "Name of the authorizer Lambda function; its logs are in /aws/lambda/<name>."
  value       = module.entra_authorizer.function_name
}

output "authorizer_identity_sources" {
  description = "Identity sources of the authorizer, which are also its cache key."
  value       = module.entra_authorizer.identity_sources
}

output "layer_arn" {
  description = "ARN of the aws-jwt-verify layer version attached to the authorizer."
  value       = module.entra_authorizer.layer_arn
}

################################################################################
# Functions
################################################################################

output "response_function_name" {
  description = "Name of the sample response (backend) Lambda function; its logs are in /aws/lambda/<name>."
  value       = module.response_function.function_name
}

################################################################################
# API
################################################################################

output "api_id" {
  description = "ID of the HTTP API."
  value       = aws_apigatewayv2_api.this.id
}

output "api_endpoint" {
  description = "Base URL of the HTTP API (https://<api id>.execute-api.<region>.amazonaws.com). The $default stage is served at its root, so no stage name is appended."
  value       = aws_apigatewayv2_api.this.api_endpoint
}

output "api_execution_arn" {
  description = "Execution ARN of the HTTP API, the prefix of the source ARN in a Lambda permission."
  value       = aws_apigatewayv2_api.this.execution_arn
}

output "route_urls" {
  description = "A URL to call each route, by route key, such as { \"GET /auth\" = \"https://<api id>.execute-api.<region>.amazonaws.com/auth\" }. Path parameters stay as written ({id}, {proxy+}): replace them before calling. The $default route maps to the API root."
  value = {
    for route in var.routes : route => (
      route == "$default" ? "${aws_apigatewayv2_api.this.api_endpoint}/" : "${aws_apigatewayv2_api.this.api_endpoint}${split(" ", route)[1]}"
    )
  }

  precondition {
    condition     = length(local.routes_without_permission) == 0
    error_message = "route_permissions has no entry for ${join(", ", local.routes_without_permission)} and no \"*\" entry: the authorizer would deny every call to an unlisted route. Add an entry per route in routes, or a \"*\" entry."
  }
}

output "access_log_group_name" {
  description = "Name of the API access log group, or null when access_log_enabled is false."
  value       = try(aws_cloudwatch_log_group.access_logs[0].name, null)
}
