"""Faithful copies of the MXNet code cells of the seed tutorials (../shared/seeds/), as MXNet source.

Tests replace ``mxnet`` by ``ndx`` and compare what each cell shows with what MXNet 1.9.1 showed for
the same cells (``data/seed_outputs_mxnet.json``, recorded with the oracle and masked by
``_notebook.mask``). Names are as in a fresh process (the tutorials ran other cells before, hence
their ``dense7_``/``mydense1_``). Seed 002 starts from the MLP its chapter builds just before.
Model-zoo lines (seed 004) and save/load cells are kept apart: other modules provide them.
"""

SEED_000 = [
    """\
from mxnet import nd, init
from mxnet.gluon import nn
class MyInit(init.Initializer):
    def _init_weight(self, name, data):
        print('Init', name, data.shape)
        # 实际的初始化逻辑在此省略了
net = nn.Sequential()
net.add(nn.Dense(256, activation='relu'),
       nn.Dense(10))
net.initialize(init=MyInit())""",
    "X = nd.random.uniform(shape=(2, 20))\nY = net(X)",
    "Y = net(X)",
    "net.initialize(init=MyInit(), force_reinit=True)",
    """\
net = nn.Sequential()
net.add(nn.Dense(256, in_units=20, activation='relu'),
       nn.Dense(10, in_units=256))
net.initialize(init=MyInit())""",
    """\
from mxnet import gluon, nd
from mxnet.gluon import nn
class CenteredLayer(nn.Block):
    def __init__(self, **kwargs):
        super(CenteredLayer, self).__init__(**kwargs)


    def forward(self, x):
        return x-x.mean()""",
    "layer = CenteredLayer()\nlayer(nd.array([1, 2, 3, 4, 5]))",
    "net = nn.Sequential()\nnet.add(nn.Dense(128),\n       CenteredLayer())\nnet.initialize()",
    "y = net(nd.random.uniform(shape=(4, 8)))\ny.mean().asscalar()",
    'params = gluon.ParameterDict()\nparams.get("param2", shape=(2, 3))\nparams',
    """\
class MyDense(nn.Block):
    def __init__(self, units, in_units, **kwargs):
        super(MyDense, self).__init__(**kwargs)
        self.weight = self.params.get('weight', shape=(in_units, units))
        self.bias = self.params.get('bias', shape=(units, ))

    def forward(self, x):
        linear = nd.dot(x, self.weight.data()) + self.bias.data()
        return nd.relu(linear)""",
    "dense = MyDense(units=3, in_units=5)\ndense.params",
    "dense.initialize()\ndense(nd.random.uniform(shape=(2, 5)))",
    """\
net = nn.Sequential()
net.add(nn.Dense(8, in_units=64),
       nn.Dense(1, in_units=8))
net.initialize()
net(nd.random.uniform(shape=(2, 64)))""",
]

SEED_000_SAVE_LOAD = [
    "from mxnet import nd\nfrom mxnet.gluon import nn\nx = nd.ones(3)\nnd.save('x', x)",
    "x2 = nd.load('x')\nx2",
    "y = nd.zeros(4)\nnd.save('xy', [x, y])\nx2, y2 = nd.load('xy')\n(x2, y2)",
    "mydict = {'x':x, 'y':y}\nnd.save('mydict', mydict)\nmydict2 = nd.load('mydict')\nmydict2",
    """\
class MLP(nn.Block):
    def __init__(self, **kwargs):
        super(MLP, self).__init__(**kwargs)
        self.hidden = nn.Dense(256, activation='relu')
        self.output = nn.Dense(10)


    def forward(self, x):
        return self.output(self.hidden(x))
net = MLP()
net.initialize()
X = nd.random.uniform(shape=(2, 20))
Y = net(X)""",
    "filename = 'mlp.params'\nnet.save_parameters(filename)",
    "net2 = MLP()\nnet2.load_parameters(filename)\nY2 = net2(X)\nY2 == Y",
    "Y.context",
]

SEED_002 = [
    """\
from mxnet import init, nd
from mxnet.gluon import nn

net = nn.Sequential()
net.add(nn.Dense(256, activation='relu'))
net.add(nn.Dense(10))
net.initialize()  # 使用默认初始化方式

X = nd.random.uniform(shape=(2, 20))
Y = net(X)  # 前向计算""",
    "net[0].params, type(net[0].params)",
    "net[0].params['dense0_weight'], net[0].weight",
    "net[0].weight.data()",
    "net[0].weight.grad()",
    "net[1].bias.data()",
    "net.collect_params()",
    "# 非首次對模型初始化需要指定force_reinit為真\nnet.initialize(init=init.Normal(sigma=0.01), force_reinit=True)\n"
    "net[0].weight.data()[0]",
    "net.initialize(init=init.Constant(1), force_reinit=True)\nnet[0].weight.data()[0]",
    "net[0].weight.initialize(init=init.Xavier(), force_reinit=True)\nnet[0].weight.data()[0]",
    """\
net = nn.Sequential()
shared = nn.Dense(8, activation='relu')
net.add(nn.Dense(8, activation='relu'),
        shared,
        nn.Dense(8, activation='relu', params=shared.params),
        nn.Dense(10))
net.initialize()

X = nd.random.uniform(shape=(2, 20))
net(X)

net[1].weight.data()[0] == net[2].weight.data()[0]""",
]

SEED_003 = [
    """\
from mxnet import init, nd
from mxnet.gluon import nn

class MyInit(init.Initializer):
    def _init_weight(self, name, data):
        print('Init', name, data.shape)
        # 实际的初始化逻辑在此省略了

net = nn.Sequential()
net.add(nn.Dense(256, activation='relu'),
        nn.Dense(10))

net.initialize(init=MyInit())""",
    "X = nd.random.uniform(shape=(2, 20))\nY = net(X)",
    "Y = net(X)",
    "net.initialize(init=MyInit(), force_reinit=True)",
    """\
net = nn.Sequential()
net.add(nn.Dense(256, in_units=20, activation='relu'))
net.add(nn.Dense(10, in_units=256))

net.initialize(init=MyInit())""",
]

SEED_004 = [
    "from __future__ import print_function\nimport mxnet as mx\nfrom mxnet import gluon",
    "mydense = gluon.nn.Dense(100, prefix='mydense_')\nprint(mydense.prefix)",
    "dense0 = gluon.nn.Dense(100)\nprint(dense0.prefix)",
    "dense1 = gluon.nn.Dense(100)\nprint(dense1.prefix)",
    "print(dense0.collect_params())",
    """\
class Model(gluon.Block):
    def __init__(self, **kwargs):
        super(Model, self).__init__(**kwargs)
        with self.name_scope():
            self.dense0 = gluon.nn.Dense(20)
            self.dense1 = gluon.nn.Dense(20)
            self.mydense = gluon.nn.Dense(20, prefix='mydense_')

    def forward(self, x):
        x = mx.nd.relu(self.dense0(x))
        x = mx.nd.relu(self.dense1(x))
        return mx.nd.relu(self.mydense(x))""",
    """\
model0 = Model()
model0.initialize()
model0(mx.nd.zeros((1, 20)))
print(model0.prefix)
print(model0.dense0.prefix)
print(model0.dense1.prefix)
print(model0.mydense.prefix)""",
    """\
model1 = Model()
print(model1.prefix)
print(model1.dense0.prefix)
print(model1.dense1.prefix)
print(model1.mydense.prefix)""",
    """\
net = gluon.nn.Sequential()
with net.name_scope():
    net.add(gluon.nn.Dense(20))
    net.add(gluon.nn.Dense(20))
print(net.prefix)
print(net[0].prefix)
print(net[1].prefix)""",
    "print(model0.collect_params(), '\\n')\nprint(model1.collect_params())",
]

SEED_004_SAVE_LOAD = [
    """\
model0.collect_params().save('model.params')
try:
    model1.collect_params().load('model.params', mx.cpu())
except Exception as e:
    print(e)""",
    "model0.save_parameters('model.params')\nmodel1.load_parameters('model.params')\n"
    "print(sorted(mx.nd.load('model.params').keys()))",
    """\
with model1.name_scope():
    model1.output = gluon.nn.Dense(100)
model1.output.initialize()
print(model1.output)
print(model1.output.prefix)""",
]

SEEDS = {"000": SEED_000, "000_save_load": SEED_000_SAVE_LOAD, "002": SEED_002, "003": SEED_003,
         "004": SEED_004, "004_save_load": SEED_004_SAVE_LOAD}
