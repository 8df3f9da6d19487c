# aws_security_group_rule: every kind of source, updated in place through descriptions.
resource "aws_vpc" "main" {
  cidr_block = "10.30.0.0/16"
}

resource "aws_security_group" "app" {
  name        = "app"
  description = "rules managed outside the group"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group" "client" {
  name        = "client"
  description = "clients of app"
  vpc_id      = aws_vpc.main.id
}

resource "aws_security_group_rule" "cidr" {
  type              = "ingress"
  from_port         = 443
  to_port           = 443
  protocol          = "tcp"
  cidr_blocks       = ["10.30.0.0/16", "192.168.0.0/24"]
  description       = "https ${var.suffix}"
  security_group_id = aws_security_group.app.id
}

resource "aws_security_group_rule" "ipv6" {
  type              = "ingress"
  from_port         = 8443
  to_port           = 8443
  protocol          = "tcp"
  ipv6_cidr_blocks  = ["2001:db8:1::/48"]
  security_group_id = aws_security_group.app.id
}

resource "aws_security_group_rule" "group" {
  type                     = "ingress"
  from_port                = 9000
  to_port                  = 9100
  protocol                 = "tcp"
  source_security_group_id = aws_security_group.client.id
  description              = "clients ${var.suffix}"
  security_group_id        = aws_security_group.app.id
}

resource "aws_security_group_rule" "self" {
  type              = "ingress"
  from_port         = 0
  to_port           = 65535
  protocol          = "udp"
  self              = true
  security_group_id = aws_security_group.app.id
}

resource "aws_security_group_rule" "egress" {
  type              = "egress"
  from_port         = 0
  to_port           = 0
  protocol          = "-1"
  cidr_blocks       = ["0.0.0.0/0"]
  security_group_id = aws_security_group.client.id
}
