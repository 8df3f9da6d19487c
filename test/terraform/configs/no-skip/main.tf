# The provider with none of the skip_* flags: it validates credentials and learns the
# account id through STS GetCallerIdentity before planning anything.
data "aws_caller_identity" "me" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

resource "aws_appmesh_mesh" "m" {
  name = "no-skip"
  tags = { Account = data.aws_caller_identity.me.account_id, Suffix = var.suffix }
}

resource "aws_vpc" "main" {
  cidr_block = "10.70.0.0/16"
  tags       = { Suffix = var.suffix }
}

output "account_id" { value = data.aws_caller_identity.me.account_id }
output "caller_arn" { value = data.aws_caller_identity.me.arn }
output "region" { value = data.aws_region.current.name }
