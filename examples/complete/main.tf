provider "aws" {
  region = var.region
}

module "entra_api" {
  source = "../../"

  name = "entra-authz-complete"

  tenant_id            = var.tenant_id
  audience             = var.audience
  additional_audiences = var.api_client_id == null ? [] : [var.api_client_id]

  routes = ["GET /auth"]

  # Client credentials tokens carry app roles, not scopes. Uncomment to require one:
  # route_permissions = { "GET /auth" = { roles = ["Reports.Read.All"] } }

  access_log_enabled = true

  tags = {
    Example = "complete"
  }
}
