//! Typed rtnetlink writes on links: create (veth, bridge, vxlan, macvlan),
//! change, move between namespaces, delete. (Being written: issue 3.)
