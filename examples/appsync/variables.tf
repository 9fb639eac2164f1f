variable "region" {
  description = "AWS Region to deploy to."
  type        = string
  default     = "us-east-1"
}

variable "name" {
  description = "Name of the GraphQL API and prefix of everything else."
  type        = string
  default     = "entra-authz-appsync"
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
