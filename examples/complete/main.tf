provider "aws" {
  region = var.region
}

module "entra_api" {
  source = "../../"

  name = "entra-authz-complete"

  tenant_id            = var.tenant_id
  audience             = var.audience
  additional_audiences = var.api_client_id == null ? [] : [var.api_client_id]

  # Each route names its backend (function_arn; null: the sample backend) and its rules. Client
  # credentials tokens carry app roles, not scopes; to require one, write instead:
  #   "GET /auth" = { roles = ["Reports.Read.All"] }
  routes = {
    "GET /auth" = {}
  }

  tags = {
    Example = "complete"
  }
}
