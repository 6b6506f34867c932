package testenv

import "k8s.io/apimachinery/pkg/runtime"

var defaultConverter = runtime.DefaultUnstructuredConverter
