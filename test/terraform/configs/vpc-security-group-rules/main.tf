# aws_vpc_security_group_ingress_rule / _egress_rule: first-class rules with tags.
resource "aws_vpc" "main" {
  cidr_block = "10.40.0.0/16"
}

resource "aws_security_group" "svc" {
  name        = "svc"
  description = "standalone rules"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "other" {
  name        = "other"
  description = "referenced group"
  vpc_id      = aws_vpc.main.id
}

data "aws_prefix_list" "dynamodb" {
  name = "com.amazonaws.us-east-1.dynamodb"
}

resource "aws_vpc_security_group_ingress_rule" "https" {
  security_group_id = aws_security_group.svc.id
  cidr_ipv4         = "10.40.0.0/16"
  from_port         = 443
  to_port           = 443
  ip_protocol       = "tcp"
  description       = "https ${var.suffix}"
  tags              = { Name = "https-${var.suffix}" }
}

resource "aws_vpc_security_group_ingress_rule" "v6" {
  security_group_id = aws_security_group.svc.id
  cidr_ipv6         = "2001:db8::/32"
  from_port         = 80
  to_port           = 80
  ip_protocol       = "tcp"
  tags              = { Family = "v6" }
}

resource "aws_vpc_security_group_ingress_rule" "from_group" {
  security_group_id            = aws_security_group.svc.id
  referenced_security_group_id = aws_security_group.other.id
  ip_protocol                  = "-1"
}

resource "aws_vpc_security_group_egress_rule" "all" {
  security_group_id = aws_security_group.svc.id
  cidr_ipv4         = "10.0.0.0/8"
  ip_protocol       = "-1"
  tags              = { Name = "all-${var.suffix}" }
}

resource "aws_vpc_security_group_egress_rule" "dynamodb" {
  security_group_id = aws_security_group.svc.id
  prefix_list_id    = data.aws_prefix_list.dynamodb.id
  from_port         = 443
  to_port           = var.suffix == "two" ? 444 : 443
  ip_protocol       = "tcp"
}

data "aws_vpc_security_group_rule" "https" {
  security_group_rule_id = aws_vpc_security_group_ingress_rule.https.id
}

data "aws_vpc_security_group_rules" "svc" {
  filter {
    name   = "group-id"
    values = [aws_security_group.svc.id]
  }
  depends_on = [
    aws_vpc_security_group_ingress_rule.https, aws_vpc_security_group_ingress_rule.v6,
    aws_vpc_security_group_ingress_rule.from_group, aws_vpc_security_group_egress_rule.all,
    aws_vpc_security_group_egress_rule.dynamodb,
  ]
}

output "https_cidr" { value = data.aws_vpc_security_group_rule.https.cidr_ipv4 }
output "rule_count" { value = length(data.aws_vpc_security_group_rules.svc.ids) }
