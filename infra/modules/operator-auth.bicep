// App Service Authentication (Easy Auth v2) in front of the collector's HTTP API: every request must carry
// an Entra ID token for the operator app registration (infra/operator-app/create-operator-app.sh makes it,
// with the app roles Collector.Reader and Collector.Admin). Easy Auth validates the token and passes the
// principal to the functions as X-MS-CLIENT-PRINCIPAL; the functions check the role each route declares.
// Function keys are no operator credential: an anonymous caller gets 401 here, key or not.
param functionAppName string

@description('Client (application) ID of the operator app registration. Empty: authentication is not configured and every operator route answers 401.')
param operatorAppClientId string

@description('Paths that authenticate themselves (per-customer ingest keys), excluded from Easy Auth.')
param ingestKeyPaths array = []

resource app 'Microsoft.Web/sites@2024-04-01' existing = {
  name: functionAppName
}

resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = if (!empty(operatorAppClientId)) {
  parent: app
  name: 'authsettingsV2'
  properties: {
    platform: {
      enabled: true
    }
    globalValidation: {
      requireAuthentication: true
      unauthenticatedClientAction: 'Return401'
      excludedPaths: ingestKeyPaths
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          openIdIssuer: '${environment().authentication.loginEndpoint}${tenant().tenantId}/v2.0'
          clientId: operatorAppClientId
        }
        validation: {
          // Tokens for the API (scripts: api://<id>/.default; the CLI: az account get-access-token).
          allowedAudiences: [
            'api://${operatorAppClientId}'
            operatorAppClientId
          ]
        }
      }
    }
    login: {
      tokenStore: {
        enabled: false
      }
    }
    httpSettings: {
      requireHttps: true
    }
  }
}
