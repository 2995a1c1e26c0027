// Optional (main.bicep `vnetEnabled`): a virtual network whose `app` subnet the function app
// integrates with, so its outbound traffic leaves through the VNet (e.g. to a NAT gateway
// with a fixed IP that customers can allow-list).
param name string
param location string
param tags object

resource vnet 'Microsoft.Network/virtualNetworks@2024-05-01' = {
  name: name
  location: location
  tags: tags
  properties: {
    addressSpace: { addressPrefixes: ['10.0.0.0/16'] }
    subnets: [
      {
        name: 'app'
        properties: {
          addressPrefix: '10.0.1.0/24'
          // Flex Consumption integrates through a subnet delegated to Microsoft.App/environments.
          delegations: [
            {
              name: 'flex-consumption'
              properties: { serviceName: 'Microsoft.App/environments' }
            }
          ]
        }
      }
    ]
  }
}

output appSubnetId string = vnet.properties.subnets[0].id
