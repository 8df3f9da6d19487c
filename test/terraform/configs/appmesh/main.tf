resource "aws_appmesh_mesh" "m" {
  name = "tf-mesh"
  spec {
    egress_filter { type = "ALLOW_ALL" }
  }
  tags = { env = var.suffix }
}
resource "aws_appmesh_virtual_node" "n" {
  name      = "node-a"
  mesh_name = aws_appmesh_mesh.m.id
  spec {
    listener {
      port_mapping {
        port     = 8080
        protocol = "http"
      }
    }
    service_discovery {
      dns { hostname = "a-${var.suffix}.local" }
    }
  }
}
resource "aws_appmesh_virtual_router" "http" {
  name      = "router-http"
  mesh_name = aws_appmesh_mesh.m.id
  spec {
    listener {
      port_mapping {
        port     = 8080
        protocol = "http"
      }
    }
  }
}
resource "aws_appmesh_virtual_router" "http2" {
  name      = "router-http2"
  mesh_name = aws_appmesh_mesh.m.id
  spec {
    listener {
      port_mapping {
        port     = 8080
        protocol = "http2"
      }
    }
  }
}
resource "aws_appmesh_virtual_router" "grpc" {
  name      = "router-grpc"
  mesh_name = aws_appmesh_mesh.m.id
  spec {
    listener {
      port_mapping {
        port     = 8080
        protocol = "grpc"
      }
    }
  }
}
resource "aws_appmesh_virtual_router" "tcp" {
  name      = "router-tcp"
  mesh_name = aws_appmesh_mesh.m.id
  spec {
    listener {
      port_mapping {
        port     = 8080
        protocol = "tcp"
      }
    }
  }
}
resource "aws_appmesh_route" "http" {
  name                = "http"
  mesh_name           = aws_appmesh_mesh.m.id
  virtual_router_name = aws_appmesh_virtual_router.http.name
  spec {
    http_route {
      match { prefix = "/${var.suffix}" }
      action {
        weighted_target {
          virtual_node = aws_appmesh_virtual_node.n.name
          weight       = 100
        }
      }
    }
  }
}
resource "aws_appmesh_route" "http2" {
  name                = "http2"
  mesh_name           = aws_appmesh_mesh.m.id
  virtual_router_name = aws_appmesh_virtual_router.http2.name
  spec {
    http2_route {
      match { prefix = "/h2" }
      action {
        weighted_target {
          virtual_node = aws_appmesh_virtual_node.n.name
          weight       = 100
        }
      }
    }
  }
}
resource "aws_appmesh_route" "grpc" {
  name                = "grpc"
  mesh_name           = aws_appmesh_mesh.m.id
  virtual_router_name = aws_appmesh_virtual_router.grpc.name
  spec {
    grpc_route {
      match { service_name = "svc.${var.suffix}" }
      action {
        weighted_target {
          virtual_node = aws_appmesh_virtual_node.n.name
          weight       = 100
        }
      }
    }
  }
}
resource "aws_appmesh_route" "tcp" {
  name                = "tcp"
  mesh_name           = aws_appmesh_mesh.m.id
  virtual_router_name = aws_appmesh_virtual_router.tcp.name
  spec {
    tcp_route {
      action {
        weighted_target {
          virtual_node = aws_appmesh_virtual_node.n.name
          weight       = 100
        }
      }
    }
  }
}
resource "aws_appmesh_virtual_service" "s" {
  name      = "svc.local"
  mesh_name = aws_appmesh_mesh.m.id
  spec {
    provider {
      virtual_router { virtual_router_name = aws_appmesh_virtual_router.http.name }
    }
  }
}
resource "aws_appmesh_virtual_gateway" "g" {
  name      = "gw"
  mesh_name = aws_appmesh_mesh.m.id
  spec {
    listener {
      port_mapping {
        port     = 8080
        protocol = "http"
      }
    }
  }
  tags = { env = var.suffix }
}
resource "aws_appmesh_gateway_route" "gr" {
  name                 = "gr"
  mesh_name            = aws_appmesh_mesh.m.id
  virtual_gateway_name = aws_appmesh_virtual_gateway.g.name
  spec {
    http_route {
      action {
        target {
          virtual_service { virtual_service_name = aws_appmesh_virtual_service.s.name }
        }
      }
      match { prefix = "/${var.suffix}" }
    }
  }
}
data "aws_appmesh_mesh" "m" { name = aws_appmesh_mesh.m.name }
data "aws_appmesh_virtual_node" "n" {
  name      = aws_appmesh_virtual_node.n.name
  mesh_name = aws_appmesh_mesh.m.name
}
data "aws_appmesh_virtual_router" "r" {
  name      = aws_appmesh_virtual_router.http.name
  mesh_name = aws_appmesh_mesh.m.name
}
data "aws_appmesh_route" "r" {
  name                = aws_appmesh_route.http.name
  mesh_name           = aws_appmesh_mesh.m.name
  virtual_router_name = aws_appmesh_virtual_router.http.name
}
data "aws_appmesh_virtual_service" "s" {
  name      = aws_appmesh_virtual_service.s.name
  mesh_name = aws_appmesh_mesh.m.name
}
data "aws_appmesh_virtual_gateway" "g" {
  name      = aws_appmesh_virtual_gateway.g.name
  mesh_name = aws_appmesh_mesh.m.name
}
data "aws_appmesh_gateway_route" "gr" {
  name                 = aws_appmesh_gateway_route.gr.name
  mesh_name            = aws_appmesh_mesh.m.name
  virtual_gateway_name = aws_appmesh_virtual_gateway.g.name
}
output "mesh_arn" { value = data.aws_appmesh_mesh.m.arn }
