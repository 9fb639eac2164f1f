variable "region" {
  description = "AWS Region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name of the REST API and prefix of everything else."
  type        = string
  default     = "entra-authz-rest"
}

variable "tenant_id" {
  description = "Entra tenant ID (a GUID): az account show --query tenantId -o tsv."
  type        = string
}

variable "audience" {
  description = "Application ID URI of the API app registration, such as api://entra-authz-demo: the aud claim of v1 access tokens."
  type        = string
}

variable "api_client_id" {
  description = "Application (client) ID of the API app registration: the aud claim of v2 access tokens. null accepts v1 tokens only."
  type        = string
  default     = null
}

variable "reporting_client_ids" {
  description = "Client application IDs allowed to call GET /reports, the method with a client rule. Empty: any client with a scope or role."
  type        = list(string)
  default     = []
}

variable "manage_account_logging_role" {
  description = "Whether to set this account's API Gateway CloudWatch Logs role in this Region (aws_api_gateway_account), which REST APIs need to write access logs. It is one setting per account and Region: set false if it is already set."
  type        = bool
  default     = true
}
